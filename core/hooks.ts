/**
 * THE hook catalogue (webpack style): one frozen, typed object of tapable hooks per kernel.
 * The tapable class of each hook is chosen by the answer its caller needs; `HOOK_DOCS` says
 * when each runs and what returning means, and is what `docs/` and the catalogue snapshot
 * test are made from.
 */
import tapable from 'tapable';
import type { Command } from 'commander';
import type {
  AgentRunContext, Alert, AuthRequest, CliContext, AuthVerdict, BackupSource, CheckReport, ConnectionInfo,
  HttpRouteRegistrar, InboundMessage, MessageDrop, MetricsCollector, ModelRequest, ModelResponse,
  OutboundMessage, RpcContext, ToolCall, ToolCallDecision, ToolResult,
} from './hook-types.ts';

const {
  SyncHook, SyncWaterfallHook, AsyncSeriesHook, AsyncSeriesBailHook, AsyncSeriesWaterfallHook,
  AsyncParallelHook, HookMap,
} = tapable;

type Config = Readonly<Record<string, unknown>>;

export function createHooks() {
  return Object.freeze({
    // lifecycle
    configResolved: new SyncWaterfallHook<[Config]>(['config'], 'configResolved'),
    init: new SyncHook<[]>([], 'init'),
    start: new AsyncSeriesHook<[]>([], 'start'),
    ready: new SyncHook<[]>([], 'ready'),
    beforeClose: new AsyncParallelHook<[]>([], 'beforeClose'),
    close: new AsyncSeriesHook<[]>([], 'close'),
    // gateway
    authenticate: new AsyncSeriesBailHook<[AuthRequest], AuthVerdict | undefined>(['request'], 'authenticate'),
    connection: new AsyncSeriesHook<[ConnectionInfo]>(['connection'], 'connection'),
    rpc: new HookMap(
      (method: string) => new AsyncSeriesBailHook<[unknown, RpcContext], unknown>(['params', 'context'], `rpc:${method}`),
      'rpc',
    ),
    httpRoute: new SyncHook<[HttpRouteRegistrar]>(['router'], 'httpRoute'),
    // messages
    messageReceived: new AsyncSeriesBailHook<[InboundMessage], MessageDrop | undefined>(['message'], 'messageReceived'),
    beforeAgentRun: new AsyncSeriesWaterfallHook<[AgentRunContext]>(['run'], 'beforeAgentRun'),
    modelRequest: new AsyncSeriesWaterfallHook<[ModelRequest]>(['request'], 'modelRequest'),
    modelResponse: new AsyncSeriesHook<[ModelResponse, ModelRequest]>(['response', 'request'], 'modelResponse'),
    beforeToolCall: new AsyncSeriesBailHook<[ToolCall], ToolCallDecision | undefined>(['call'], 'beforeToolCall'),
    afterToolCall: new AsyncSeriesWaterfallHook<[ToolResult, ToolCall]>(['result', 'call'], 'afterToolCall'),
    messageSending: new AsyncSeriesWaterfallHook<[OutboundMessage]>(['message'], 'messageSending'),
    messageSent: new AsyncParallelHook<[OutboundMessage]>(['message'], 'messageSent'),
    // ops
    collectMetrics: new AsyncParallelHook<[MetricsCollector]>(['collector'], 'collectMetrics'),
    alert: new AsyncParallelHook<[Alert]>(['alert'], 'alert'),
    diagnose: new AsyncParallelHook<[CheckReport]>(['report'], 'diagnose'),
    audit: new AsyncParallelHook<[CheckReport]>(['report'], 'audit'),
    backupSources: new SyncWaterfallHook<[BackupSource[]]>(['sources'], 'backupSources'),
    cliCommands: new SyncHook<[Command, CliContext]>(['program', 'cli'], 'cliCommands'),
  });
}

export type KernelHooks = ReturnType<typeof createHooks>;
export type HookName = keyof KernelHooks;

export type HookArea = 'lifecycle' | 'gateway' | 'messages' | 'ops';

export interface HookDoc {
  area: HookArea;
  /** When the owner calls it. */
  when: string;
  /** What a tap's return value means. */
  returns: string;
}

export const HOOK_DOCS: Readonly<Record<HookName, HookDoc>> = Object.freeze({
  configResolved: { area: 'lifecycle', when: 'after every plugin ran setup, before init; the config is validated and frozen', returns: 'the config for the next tap (return it unchanged to only read it); a changed config is validated again' },
  init: { area: 'lifecycle', when: 'once, synchronously, after configResolved', returns: 'ignored' },
  start: { area: 'lifecycle', when: 'in plugin order, each tap awaited under the start timeout that names its plugin', returns: 'ignored; a rejection fails the start and closes what was set up' },
  ready: { area: 'lifecycle', when: 'once every start tap resolved; the kernel is serving', returns: 'ignored' },
  beforeClose: { area: 'lifecycle', when: 'first step of close: stop accepting new work (all taps at once)', returns: 'ignored' },
  close: { area: 'lifecycle', when: 'after in-flight work drained, in reverse registration order', returns: 'ignored; a rejection is collected into the close AggregateError' },
  authenticate: { area: 'gateway', when: 'on every handshake and authenticated HTTP request', returns: 'an AuthVerdict decides (first verdict wins); undefined lets the next tap decide' },
  connection: { area: 'gateway', when: 'after a client authenticated', returns: 'ignored' },
  rpc: { area: 'gateway', when: 'HookMap keyed by method: for each request to that method', returns: 'the result payload (first non-undefined wins); throw a MoltbotError for an error frame' },
  httpRoute: { area: 'gateway', when: 'once when the HTTP server is built', returns: 'ignored; call router.route() to add routes' },
  messageReceived: { area: 'messages', when: 'for each inbound channel message, before routing to a session', returns: 'a MessageDrop drops the message (policy); undefined passes it on' },
  beforeAgentRun: { area: 'messages', when: 'before a run calls the model', returns: 'the run context for the next tap (may add system prompt, tools, metadata)' },
  modelRequest: { area: 'messages', when: 'before each model call (also retries and failovers)', returns: 'the request for the next tap' },
  modelResponse: { area: 'messages', when: 'after each model call completed', returns: 'ignored' },
  beforeToolCall: { area: 'messages', when: 'before each tool call, after its arguments validated', returns: '{deny} refuses the call, {rewrite} replaces its arguments; undefined allows' },
  afterToolCall: { area: 'messages', when: 'after each tool call', returns: 'the result for the next tap (may redact or reshape it)' },
  messageSending: { area: 'messages', when: 'before a reply goes out on a channel', returns: 'the message for the next tap' },
  messageSent: { area: 'messages', when: 'after a channel accepted a reply', returns: 'ignored' },
  collectMetrics: { area: 'ops', when: 'on every metrics scrape or RPC `metrics`', returns: 'ignored; call collector.set() with measured figures' },
  alert: { area: 'ops', when: 'when an alert fires or resolves; sinks tap it (fan-out, all at once)', returns: 'ignored; a failing sink never stops the others' },
  diagnose: { area: 'ops', when: 'on `moltbot doctor` and RPC `diagnostics.report`', returns: 'ignored; call report.add() per check' },
  audit: { area: 'ops', when: 'on `moltbot security audit`', returns: 'ignored; call report.add() per finding' },
  backupSources: { area: 'ops', when: 'when a backup is planned', returns: 'the list of sources for the next tap (append yours)' },
  cliCommands: { area: 'ops', when: 'when the CLI builds its command tree, after plugin setup', returns: 'ignored; add commands to the commander program, use cli.start() for long-running ones' },
});

/** Stable description of the catalogue: the snapshot test and the docs are made from it. */
export function describeHooks(hooks: KernelHooks = createHooks()) {
  return (Object.keys(HOOK_DOCS) as HookName[]).map((name) => {
    const hook = hooks[name] as { constructor: { name: string }; _args?: string[]; _factory?: (key: string) => { constructor: { name: string }; _args: string[] } };
    const inner = hook._factory?.('example');
    return {
      name,
      area: HOOK_DOCS[name].area,
      class: inner ? `HookMap<${inner.constructor.name}>` : hook.constructor.name,
      args: (inner ?? hook)._args ?? [],
      when: HOOK_DOCS[name].when,
      returns: HOOK_DOCS[name].returns,
    };
  });
}
