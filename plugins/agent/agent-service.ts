/**
 * The `agent` service (contract in sdk/agent/agent-service.ts): runs (admission, context, model calls with failover, tool loop,
 * compaction, persistence, tracing) and the read side (history, sessions, traces, usage).
 * The RPC methods and the OpenAI-compatible HTTP API are thin layers over it, and an embedding
 * program can use it without a gateway.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { isMoltbotError } from '../../sdk/core/index.ts';
import type { AgentRunContext } from '../../sdk/core/index.ts';
import type { CacheNamespace } from '../../sdk/cache/index.ts';
import type { KernelHooks } from '../../sdk/core/index.ts';
import type { Logger } from '../../sdk/core/index.ts';
import { AgentError } from '../../sdk/agent/index.ts';
import type { AgentHooks, AgentProfile, AgentRoster, CompactionFlushRequest, ToolPolicy } from '../../sdk/agent/index.ts';
import { createToolPolicy } from '../../sdk/agent/index.ts';
import { compact } from './compaction.ts';
import { buildContext, estimateTokens, toChatMessage } from './context.ts';
import { callWithFailover, type FailoverSettings, type ModelResult } from './failover.ts';
import { ModelHealth } from './model-health.ts';
import { splitRef } from '../../sdk/agent/index.ts';
import { RunQueue } from './run-queue.ts';
import { createImageLoader, takesImages, withImages } from './media-parts.ts';
import { parseSessionKey } from '../../sdk/agent/index.ts';
import type { AgentSettings } from './settings.ts';
import type { ToolRegistry } from '../../sdk/agent/index.ts';
import { runTool } from './tool-runner.ts';
import { TraceRecorder } from './trace.ts';
import type { ChatMessage, MediaRef, MessageEntry, ModelApi, RunTrace, SessionStore, TranscriptEntry } from '../../sdk/agent/index.ts';
import type { AgentService, RunRequest, RunResult, RunEvent, SessionLease } from '../../sdk/agent/index.ts';

export interface AgentDeps {
  settings: AgentSettings;
  store: SessionStore;
  hooks: KernelHooks;
  log: Logger;
  tools: ToolRegistry;
  apiFor(api: string): ModelApi | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on kernel close: every run stops. */
  signal: AbortSignal;
  /**
   * Where loaded transcripts stay between runs: a memory-only namespace of the cache service
   * bounded by `agents.sessionCacheSize` (values kept by reference, appended in place). Absent
   * (no cache plugin or no memory tier): every run reads its session from the store.
   */
  sessionCache(): CacheNamespace | undefined;
  /** Serializes runs of one session across gateway instances (a shared store provides it). */
  sessionLease(): SessionLease | undefined;
  /** The agent plugin's exposed hooks (`beforeCompaction`). */
  agentHooks?: AgentHooks;
  /** The gateway's agents (`agents.list`); absent: only `main`, from `settings`. */
  roster?: AgentRoster;
  /** The workspace identity files' prompt section of an agent (cached; no I/O on most turns). */
  identitySection?(profile: AgentProfile): Promise<string | undefined>;
  /** Where stored media (image parts) is read from. */
  stateDir?: string;
}

/** Per call: a fresh loader (images read once per call chain, never kept between runs). */
function prepareFor(stateDir: string, providers: AgentSettings['providers']) {
  return (providerId: string, messages: ChatMessage[]) => withImages(messages, takesImages(providerId, providers), createImageLoader(stateDir));
}

const MEDIA_KINDS = new Set(['image', 'audio', 'video', 'document', 'other']);

/** The request's media references that are well formed (a caller's mistake never reaches the transcript). */
function mediaOf(request: RunRequest): MediaRef[] {
  if (!Array.isArray(request.media)) return [];
  return request.media.filter((m) => typeof m === 'object' && m !== null && MEDIA_KINDS.has(m.kind) && typeof m.mimeType === 'string'
    && typeof m.name === 'string' && typeof m.size === 'number' && typeof m.file === 'string' && m.file.startsWith('media/') && !m.file.split('/').includes('..'))
    .map(({ kind, mimeType, name, size, file }) => ({ kind, mimeType, name, size, file }));
}

const hasTaps = (hook: unknown) => ((hook as { taps?: unknown[] }).taps?.length ?? 0) > 0;

/** Per-agent run and token totals since start (metrics: moltbot_agent_*_total{agent}). */
export interface AgentTotals {
  runs: { ok: number; error: number; aborted: number };
  tokens: { input: number; output: number };
}

export function createAgentService(deps: AgentDeps): AgentService & { totalsByAgent(): ReadonlyMap<string, AgentTotals> } {
  const { settings, store, hooks, log } = deps;
  const queue = new RunQueue(settings.maxConcurrentRuns, settings.maxQueuedRuns);
  const health = new ModelHealth();
  const chain = [settings.model, ...settings.fallbacks];
  // Every agent's chain, for the model status (health is per model, shared by the agents).
  const allModels = [...new Set([...chain, ...(deps.roster?.list ?? []).flatMap((agent) => [agent.model, ...agent.fallbacks])])];
  const active = new Map<string, { controller: AbortController; sessionKey: string }>();
  const listeners = new Set<(event: RunEvent) => void>();
  const totals = { runs: 0, tokens: { input: 0, output: 0 } };
  const recentTraces = new Map<string, RunTrace>();
  const modelOutput = deps.agentHooks?.modelOutput;
  const byAgent = new Map<string, AgentTotals>();
  const count = (agentId: string, status: 'ok' | 'error' | 'aborted', usage: { input: number; output: number }) => {
    let totals = byAgent.get(agentId);
    if (totals === undefined) {
      totals = { runs: { ok: 0, error: 0, aborted: 0 }, tokens: { input: 0, output: 0 } };
      byAgent.set(agentId, totals);
    }
    totals.runs[status]++;
    totals.tokens.input += usage.input;
    totals.tokens.output += usage.output;
  };

  const providerOf = (ref: string) => {
    try {
      return splitRef(ref).providerId;
    } catch {
      return ref;
    }
  };

  const failover: FailoverSettings = {
    chain,
    providers: settings.providers,
    env: deps.env,
    attemptTimeoutMs: settings.attemptTimeoutMs,
    defaultCooldownMs: settings.cooldownMs,
    retryDelayMs: settings.retryDelayMs,
    maxTokens: settings.maxTokens,
    apiFor: deps.apiFor,
    health,
    ...(deps.stateDir !== undefined ? { prepare: prepareFor(deps.stateDir, settings.providers) } : {}),
    onExhausted(message, retryAt) {
      log.error({ retryAt }, 'every model of the failover chain failed');
      // One alert per outage, not one per refused run; resolved by the next success.
      if (alerting) return;
      alerting = true;
      fireAlert('firing', message, retryAt);
    },
    onSucceeded() {
      if (!alerting) return;
      alerting = false;
      fireAlert('resolved', 'a model of the failover chain answers again', undefined);
    },
  };
  // One failover setting per agent: its own chain, the shared health and alerting.
  const failovers = new Map<string, FailoverSettings>();
  const failoverOf = (profile: AgentProfile | undefined): FailoverSettings => {
    if (profile === undefined) return failover;
    let found = failovers.get(profile.id);
    if (found === undefined) {
      const own = [profile.model, ...profile.fallbacks];
      found = own.length === chain.length && own.every((ref, i) => ref === chain[i]) ? failover : { ...failover, chain: own };
      failovers.set(profile.id, found);
    }
    return found;
  };
  let alerting = false;
  function fireAlert(state: 'firing' | 'resolved', message: string, retryAt: number | undefined): void {
    const alert = { id: 'agent.models-unavailable', severity: 'critical' as const, source: 'agent', message, state, at: Date.now(), ...(retryAt !== undefined ? { data: { retryAt } } : {}) };
    hooks.alert.promise(alert).catch((error: unknown) => log.warn({ err: error }, 'an alert sink failed'));
  }

  const emit = (event: RunEvent, own?: (event: RunEvent) => void) => {
    own?.(event);
    for (const listener of listeners) listener(event);
  };

  /** The session's transcript: cached (one store read for concurrent misses), else from the store. */
  async function transcriptOf(agentId: string, key: string): Promise<TranscriptEntry[]> {
    let loaded = false;
    const load = async () => {
      loaded = true;
      return (await store.load(agentId, key)).entries;
    };
    const sessions = deps.sessionCache();
    if (sessions === undefined) return load();
    // A memory hit (most turns) without wrap's promise chain.
    const cached = sessions.peek?.<TranscriptEntry[]>(key) ?? await sessions.wrap(key, Number.POSITIVE_INFINITY, load);
    if (loaded || store.entryCount === undefined || (await store.entryCount(agentId, key)) === cached.length) return cached;
    // Another instance appended to this session: the cached copy is stale.
    const fresh = await load();
    await sessions.set(key, fresh, Number.POSITIVE_INFINITY);
    return fresh;
  }

  /**
   * Puts the run's transcript back when the cache holds another copy (it was evicted and
   * reloaded during the run, so that copy misses the run's last entries). Only then: a set
   * measures the value as JSON, O(transcript) on every run otherwise. The memory tier's byte
   * count of a session is therefore taken when it is loaded, not as it grows.
   */
  async function recache(key: string, transcript: TranscriptEntry[]): Promise<void> {
    const sessions = deps.sessionCache();
    if (sessions === undefined) return;
    try {
      if ((sessions.peek?.(key) ?? await sessions.get(key)) !== transcript) await sessions.set(key, transcript, Number.POSITIVE_INFINITY);
    } catch (error) {
      log.warn({ err: error }, 'could not cache a session transcript');
    }
  }

  async function persist(agentId: string, key: string, transcript: TranscriptEntry[], entries: TranscriptEntry[]): Promise<void> {
    await store.append(agentId, key, entries);
    transcript.push(...entries);
  }

  async function run(request: RunRequest): Promise<RunResult> {
    const parts = parseSessionKey(request.sessionKey);
    const key = request.sessionKey;
    const roster = deps.roster;
    const profile = roster?.get(parts.agentId);
    if (roster !== undefined && profile === undefined) {
      throw new AgentError('NOT_FOUND', `agent "${parts.agentId}" is not configured (agents.list has ${roster.list.map((agent) => agent.id).join(', ')})`);
    }
    // The agent's own tool limits (agents.list[].tools, memory, skills, its own sandbox): checked
    // on every call, not only when the tools are offered.
    const toolRefusal = (tool: string, args?: unknown) => roster?.toolRefusal(parts.agentId, tool, args) ?? ownSandbox(profile, key, tool);
    const runId = randomUUID();
    const controller = new AbortController();
    const abortFrom = (signal: AbortSignal | undefined) => {
      if (signal === undefined) return () => undefined;
      const onAbort = () => controller.abort(signal.reason);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      return () => signal.removeEventListener('abort', onAbort);
    };
    const detachCaller = abortFrom(request.signal);
    const detachKernel = abortFrom(deps.signal);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('request timeout'));
    }, settings.requestTimeoutMs);
    timer.unref();
    active.set(runId, { controller, sessionKey: key });
    const trace = new TraceRecorder(runId, key);
    let release: (() => void) | undefined;
    let transcript: TranscriptEntry[] | undefined;
    /** The user message's write (and the acknowledgement after it), once started. */
    let acceptance: Promise<void> | undefined;
    let accepted = false;
    let text = '';
    try {
      release = await queue.acquire(key, controller.signal);
      const lease = deps.sessionLease();
      if (lease !== undefined) {
        const releaseLocal = release;
        const releaseLease = await lease.acquire(key, controller.signal).catch((error: unknown) => {
          releaseLocal();
          release = undefined;
          throw error;
        });
        release = () => {
          void releaseLease().finally(releaseLocal);
        };
      }
      // A sub-agent's run names its parent (sessions_spawn): traces link parent and child.
      const parentRunId = request.metadata?.['parentRunId'];
      trace.add('run.start', { queuedMs: trace.elapsed(), ...(typeof parentRunId === 'string' ? { parentRunId } : {}) });
      transcript = await transcriptOf(parts.agentId, key);
      const systemPrompt = await systemPromptOf(profile);
      const offered = deps.tools.list().map((t) => t.name).filter((name) => toolRefusal(name) === undefined);
      let context: AgentRunContext = { runId, agentId: parts.agentId, sessionKey: key, model: profile?.model ?? settings.model, input: request.message, ...(systemPrompt !== undefined ? { systemPrompt } : {}), tools: offered, metadata: { ...request.metadata, main: parts.main } };
      if (hasTaps(hooks.beforeAgentRun)) context = await hooks.beforeAgentRun.promise(context);
      const media = mediaOf(request);
      const user: TranscriptEntry = { kind: 'message', id: randomUUID(), at: Date.now(), runId, role: 'user', content: context.input, ...(media.length > 0 ? { media } : {}) };
      // The first model call starts while the user message is being written: the write's sync
      // overlaps the model's first token instead of preceding it. Nothing of the run shows before
      // the message is durable — the acknowledgement, then the deltas held meanwhile, go out
      // once it is — and tool calls, compaction and the reply wait for it; a message that could
      // not be stored ends the call and the run with the store's error.
      const held: RunEvent[] = [];
      acceptance = persist(parts.agentId, key, transcript, [user]).then(async () => {
        request.onAccepted?.(runId);
        // Held deltas go out a macrotask later, after the acknowledgement the caller sends from
        // onAccepted or from the promise chain it starts (chat.send's response).
        if (held.length > 0) await nextMacrotask();
        accepted = true;
        for (const event of held) emit(event, request.onEvent);
        held.length = 0;
      });
      acceptance.catch(() => undefined); // awaited where the run needs it
      const allowed = new Set(context.tools ?? []);
      const toolSpecs = deps.tools.list().filter((t) => allowed.has(t.name));
      const owned = transcript;
      let flushing = false;
      // One silent turn before a fold (agent.beforeCompaction): never persisted, never fatal.
      const flush = async (ask: CompactionFlushRequest): Promise<string> => {
        const names = new Set(ask.tools);
        const specs = toolSpecs.filter((t) => names.has(t.name));
        if (specs.length === 0) return '';
        const messages = [...buildContext(owned).messages, { role: 'user' as const, content: ask.instruction }];
        for (let round = 0; round < (ask.maxRounds ?? 3); round++) {
          const result = await callModel(messages, specs, () => undefined);
          if (result.toolCalls.length === 0) return result.text;
          messages.push({ role: 'assistant', content: result.text, toolCalls: result.toolCalls });
          for (const call of result.toolCalls) {
            const refused = names.has(call.name) ? toolRefusal(call.name, call.args) : `tool "${call.name}" is not offered in this turn`;
            if (refused !== undefined) {
              messages.push({ role: 'tool', content: refused, toolCallId: call.id, name: call.name, isError: true });
              continue;
            }
            const entry = await runTool({ call, runId, sessionKey: key, signal: controller.signal, timeoutMs: settings.toolTimeoutMs, hooks, tools: deps.tools, trace });
            messages.push(toChatMessage(entry as Extract<TranscriptEntry, { kind: 'message' }>));
          }
        }
        return '';
      };
      const beforeCompaction = deps.agentHooks?.beforeCompaction;
      const doCompact = async (): Promise<boolean> => {
        if (flushing) return false;
        await acceptance;
        if (beforeCompaction !== undefined && hasTaps(beforeCompaction)) {
          flushing = true;
          try {
            await beforeCompaction.promise({ runId, agentId: parts.agentId, sessionKey: key, messages: buildContext(owned).messages, flush });
            trace.add('compaction', { phase: 'flush' });
          } catch (error) {
            if (controller.signal.aborted) throw error;
            log.warn({ err: error, sessionKey: key }, 'the pre-compaction flush failed; compacting anyway');
          } finally {
            flushing = false;
          }
        }
        const summary = await compact({
          transcript: owned,
          runId,
          keepMessages: settings.keepMessages,
          summarize: async (messages) => (await callModel(messages, [], () => undefined)).text,
        });
        if (summary === undefined) return false;
        trace.add('compaction', { tokensBefore: (summary as { tokensBefore: number }).tokensBefore });
        await persist(parts.agentId, key, owned, [summary]);
        return true;
      };
      let inputEstimate: { messages: ChatMessage[]; tokens: number } | undefined;
      const callModel = (messages: ChatMessage[], tools: typeof toolSpecs, onText: (text: string, attempt: number) => void): Promise<ModelResult> =>
        callWithFailover(failoverOf(profile), {
          ...(context.systemPrompt !== undefined ? { system: context.systemPrompt } : {}),
          messages,
          tools,
          signal: controller.signal,
          trace,
          onText,
          compact: async () => ((await doCompact()) ? buildContext(owned).messages : undefined),
          ...(hasTaps(hooks.modelRequest) ? {
            beforeCall: async (model: string, sent: ChatMessage[]) => (await hooks.modelRequest.promise({ runId, model, agentId: parts.agentId, sessionKey: key, messages: sent, tools, maxTokens: settings.maxTokens })).messages as ChatMessage[],
          } : {}),
          ...(modelOutput !== undefined && hasTaps(modelOutput) ? {
            estimateInput: (sent: ChatMessage[]) => estimateTokens(sent, context.systemPrompt),
            onOutput: (model: string, attempt: number, sent: ChatMessage[], outputTokens: number) => {
              // The prompt is estimated once per call, not once per streamed piece.
              if (inputEstimate?.messages !== sent) inputEstimate = { messages: sent, tokens: estimateTokens(sent, context.systemPrompt) };
              return modelOutput.call({ runId, agentId: parts.agentId, sessionKey: key, model, attempt, inputTokens: inputEstimate.tokens, outputTokens })?.stop;
            },
          } : {}),
          ...(hasTaps(hooks.modelResponse) ? {
            afterCall: async (model: string, result: ModelResult) => hooks.modelResponse.promise(
              { runId, model, agentId: parts.agentId, sessionKey: key, stopReason: result.stopReason, usage: result.usage, content: result.text },
              { runId, model, messages, tools, maxTokens: settings.maxTokens },
            ),
          } : {}),
        });
      for (let round = 0; ; round++) {
        if (round >= settings.maxToolIterations) {
          throw new AgentError('TOOL_LOOP_LIMIT', `the model kept calling tools after ${settings.maxToolIterations} rounds (agent.maxToolIterations)`);
        }
        let messages = buildContext(accepted ? owned : [...owned, user]).messages;
        if (estimateTokens(messages, context.systemPrompt) > settings.compactAt * settings.contextTokens && (await doCompact())) {
          messages = buildContext(owned).messages;
        }
        text = '';
        const call = callModel(messages, toolSpecs, (delta, attempt) => {
          text += delta;
          const event: RunEvent = { type: 'delta', runId, sessionKey: key, attempt, text: delta };
          if (accepted) emit(event, request.onEvent);
          else held.push(event);
        });
        if (!accepted) {
          call.catch(() => undefined); // settles while the write is awaited; awaited below
          try {
            await acceptance;
          } catch (error) {
            // The reason is the error itself: the catch below keeps it instead of reporting an abort.
            controller.abort(error);
            await call.catch(() => undefined);
            throw error;
          }
        }
        const result = await call;
        text = result.text;
        const assistant: TranscriptEntry = {
          kind: 'message', id: randomUUID(), at: Date.now(), runId, role: 'assistant', content: result.text, model: result.ref, usage: result.usage,
          ...(result.toolCalls.length > 0 ? { toolCalls: result.toolCalls } : {}),
        };
        if (result.toolCalls.length === 0) {
          const finished = trace.finish('ok');
          // The reply and the trace share one fsync.
          await persist(parts.agentId, key, owned, [assistant, { kind: 'trace', id: randomUUID(), at: Date.now(), runId, trace: finished }]);
          remember(finished);
          totals.runs++;
          totals.tokens = { input: totals.tokens.input + finished.tokenUsage.input, output: totals.tokens.output + finished.tokenUsage.output };
          count(parts.agentId, 'ok', finished.tokenUsage);
          emit({ type: 'final', runId, sessionKey: key, status: 'ok', text: result.text, model: result.ref, usage: finished.tokenUsage }, request.onEvent);
          return { runId, sessionKey: key, text: result.text, model: result.ref, usage: finished.tokenUsage, trace: finished };
        }
        await persist(parts.agentId, key, owned, [assistant]);
        const results: TranscriptEntry[] = [];
        for (const call of result.toolCalls) {
          const refused = toolRefusal(call.name, call.args);
          if (refused !== undefined) {
            results.push({ kind: 'message', id: randomUUID(), at: Date.now(), runId, role: 'tool', toolCallId: call.id, name: call.name, content: `tool call denied: ${refused}`, isError: true });
            continue;
          }
          results.push(await runTool({
            call, runId, sessionKey: key, signal: controller.signal, timeoutMs: settings.toolTimeoutMs, hooks, tools: deps.tools, trace,
            onProgress: (update) => emit({ type: 'progress', runId, sessionKey: key, ...update }, request.onEvent),
          }));
        }
        await persist(parts.agentId, key, owned, results);
      }
    } catch (caught) {
      // A run that failed before its message was durable still acknowledges it first if the write
      // lands, and its final follows a macrotask later, as held deltas do.
      if (acceptance !== undefined && !accepted) {
        await acceptance.catch(() => undefined);
        await nextMacrotask();
      }
      const error = timedOut
        ? new AgentError('TIMEOUT', `the run took longer than agent.requestTimeout (${settings.requestTimeoutMs} ms)`, { cause: caught })
        : controller.signal.aborted && controller.signal.reason !== caught && !(caught instanceof AgentError && caught.code === 'BUSY')
          ? (caught instanceof AgentError && caught.code === 'ABORTED' ? caught : new AgentError('ABORTED', 'the run was aborted', { cause: caught }))
          : caught;
      // A store's MoltbotError (e.g. MOLT_ERR_STORE_NO_SPACE) keeps its code: the client can act on it.
      const code = error instanceof AgentError ? error.code : isMoltbotError(error) ? error.code : 'INTERNAL';
      const status = code === 'ABORTED' ? 'aborted' : 'error';
      const message = error instanceof Error ? error.message : String(error);
      if (code === 'BUSY') throw error;
      const finished = trace.finish(status, message);
      remember(finished);
      count(parts.agentId, status, finished.tokenUsage);
      if (transcript !== undefined) {
        await store.append(parts.agentId, key, [{ kind: 'trace', id: randomUUID(), at: Date.now(), runId, trace: finished }]).catch((e: unknown) => log.warn({ err: e }, 'could not record the trace of a failed run'));
      }
      emit({
        type: 'final', runId, sessionKey: key, status, text, usage: finished.tokenUsage,
        error: { code, message, ...(error instanceof AgentError && error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) },
      }, request.onEvent);
      throw error;
    } finally {
      if (transcript !== undefined) await recache(key, transcript);
      release?.();
      clearTimeout(timer);
      detachCaller();
      detachKernel();
      active.delete(runId);
    }
  }

  /**
   * An entry's own `sandbox` (agents.list[].sandbox): the tool-policy plugin applies
   * agents.defaults.sandbox to every agent; an agent with its own lists is also held to them
   * here. Built on first use, when every tool is registered (unknown names are config errors).
   */
  const sandboxes = new Map<string, ToolPolicy>();
  function ownSandbox(profile: AgentProfile | undefined, sessionKey: string, tool: string): string | undefined {
    if (profile?.sandboxPath === undefined || profile.sandbox === undefined) return undefined;
    let policy = sandboxes.get(profile.id);
    if (policy === undefined) {
      try {
        policy = createToolPolicy(profile.sandbox, deps.tools.list().map((t) => t.name));
      } catch (error) {
        return `${profile.sandboxPath} is invalid: ${error instanceof Error ? error.message : String(error)}`;
      }
      sandboxes.set(profile.id, policy);
    }
    const reason = policy.check(tool, sessionKey);
    return reason === undefined ? undefined : `${reason} (${profile.sandboxPath})`;
  }

  /** Built prompts per agent, rebuilt only when its identity files' section changed. */
  const prompts = new Map<string, { files: string | undefined; prompt: string | undefined }>();

  /** The agent's system prompt: its own (or the settings'), its identity, its workspace files. */
  async function systemPromptOf(profile: AgentProfile | undefined): Promise<string | undefined> {
    const own = profile?.systemPrompt ?? settings.systemPrompt;
    if (profile === undefined) return own;
    const files = await deps.identitySection?.(profile);
    const cached = prompts.get(profile.id);
    if (cached !== undefined && cached.files === files) return cached.prompt;
    const identity = profile.identity;
    const who = identity?.name !== undefined || profile.name !== undefined
      ? `You are ${identity?.name ?? profile.name}${identity?.emoji !== undefined ? ` ${identity.emoji}` : ''}.${identity?.theme !== undefined ? ` ${identity.theme}` : ''}`
      : undefined;
    const parts = [own, who, files].filter((part): part is string => part !== undefined && part !== '');
    const prompt = parts.length === 0 ? undefined : parts.join('\n\n');
    prompts.set(profile.id, { files, prompt });
    return prompt;
  }

  function remember(trace: RunTrace): void {
    recentTraces.set(trace.runId, trace);
    if (recentTraces.size > 1000) recentTraces.delete(recentTraces.keys().next().value as string);
  }

  return {
    run,
    totalsByAgent: () => byAgent,
    tools: deps.tools,
    abort({ runId, sessionKey }) {
      for (const [id, entry] of active) {
        if (id === runId || (runId === undefined && entry.sessionKey === sessionKey)) {
          entry.controller.abort(new Error('aborted by request'));
          return true;
        }
      }
      return false;
    },
    async history(sessionKey, limit = 100) {
      const parts = parseSessionKey(sessionKey);
      // A reader: the cached transcript when it is current, else a plain read (no repair write
      // into a session a run may be writing to; runs repair under their queue slot and lease).
      const cached = await deps.sessionCache()?.get<TranscriptEntry[]>(sessionKey);
      const current = cached !== undefined && (store.entryCount === undefined || (await store.entryCount(parts.agentId, sessionKey)) === cached.length);
      const entries = current ? cached : (await store.load(parts.agentId, sessionKey, { repair: false })).entries;
      const messages = entries.filter((e): e is MessageEntry => e.kind === 'message');
      return messages.slice(Math.max(0, messages.length - limit));
    },
    listSessions: (agentId = 'main') => store.list(agentId),
    inspectSession(sessionKey) {
      return store.inspect(parseSessionKey(sessionKey).agentId, sessionKey);
    },
    async trace(runId, agentId = 'main') {
      return recentTraces.get(runId) ?? store.findTrace(agentId, runId);
    },
    modelStatus: () => health.status(allModels, providerOf),
    resetModels: (ref) => health.reset(ref, providerOf),
    usage: () => structuredClone(totals),
    queue: () => ({ active: queue.active, queued: queue.queued, maxConcurrent: queue.maxConcurrent, maxQueued: queue.maxQueued }),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
