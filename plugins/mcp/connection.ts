/**
 * One MCP server as the gateway holds it: connect (spawn a stdio child or reach a streamable
 * HTTP endpoint), list its tools, call them, and supervise: a connection that fails or a child
 * that exits is retried after an exponential backoff; `breaker.threshold` failures within
 * `breaker.windowMs` open the circuit (critical alert, degraded health) until `cooldownMs`
 * passed. `tools/list_changed` re-lists the tools and hands them to `onTools`.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { McpError, ToolListChangedNotificationSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Alert } from '../../sdk/core/index.ts';
import type { Logger } from '../../sdk/core/index.ts';
import { KERNEL_VERSION } from '../../sdk/core/index.ts';
import type { McpOptions, ServerSpec } from './settings.ts';
import { deliverInOrder } from './ordered-delivery.ts';
import { StdioChildTransport } from './stdio-child.ts';

export type ConnectionState = 'idle' | 'connecting' | 'ready' | 'backoff' | 'circuit-open' | 'closed';

export interface ServerStats {
  state: ConnectionState;
  transport: 'stdio' | 'http';
  pid?: number;
  tools: number;
  calls: number;
  errors: number;
  timeouts: number;
  restarts: number;
  failures: number;
  listChanged: number;
  progress: number;
  lastError?: string;
  serverInfo?: { name: string; version: string };
  capabilities: { tools: boolean; resources: boolean; prompts: boolean };
}

export interface ConnectionHooks {
  log: Logger;
  /** The server's (new) tool list; called after each successful connect and list change. */
  onTools(tools: Tool[]): void;
  alert(alert: Alert): void;
  health(status: 'ok' | 'degraded', detail: string): void;
  /** A stderr line of the child (default: logged at info, through the logger's redaction). */
  stderr?(line: string): void;
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (progress: { progress: number; total?: number; message?: string }) => void;
}

export class McpServerConnection {
  readonly spec: ServerSpec;
  readonly #options: McpOptions;
  readonly #hooks: ConnectionHooks;
  #client: Client | undefined;
  #transport: StdioChildTransport | StreamableHTTPClientTransport | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failures: number[] = [];
  #closing = false;
  #tools: Tool[] = [];
  /** Settles on the first connect or the first failure. */
  #ready: Promise<void>;
  #markReady!: () => void;
  readonly stats: ServerStats;

  constructor(spec: ServerSpec, options: McpOptions, hooks: ConnectionHooks) {
    this.spec = spec;
    this.#options = options;
    this.#hooks = hooks;
    this.stats = { state: 'idle', transport: spec.transport, tools: 0, calls: 0, errors: 0, timeouts: 0, restarts: 0, failures: 0, listChanged: 0, progress: 0, capabilities: { tools: false, resources: false, prompts: false } };
    this.#ready = new Promise((resolve) => (this.#markReady = resolve));
  }

  get tools(): readonly Tool[] {
    return this.#tools;
  }

  get client(): Client | undefined {
    return this.stats.state === 'ready' ? this.#client : undefined;
  }

  /** Resolves once the first attempt connected or failed (never rejects; check `stats.state`). */
  async whenSettled(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#ready, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  start(): void {
    void this.#connect();
  }

  async #connect(): Promise<void> {
    if (this.#closing) return;
    this.#setState('connecting');
    const client = new Client({ name: 'moltbot', version: KERNEL_VERSION }, { capabilities: {} });
    const transport = this.#createTransport();
    this.#client = client;
    this.#transport = transport;
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      this.stats.listChanged++;
      try {
        await this.#refreshTools(client);
      } catch (error) {
        this.#hooks.log.warn({ server: this.spec.name, err: error }, 'MCP tools/list after list_changed failed');
      }
    });
    client.onerror = (error) => this.#hooks.log.debug({ server: this.spec.name, err: error }, 'MCP transport error');
    try {
      await client.connect(transport, { timeout: this.#options.connectTimeoutMs });
      deliverInOrder(transport);
      if (this.#closing) return void (await client.close().catch(() => undefined));
      const capabilities = client.getServerCapabilities() ?? {};
      this.stats.capabilities = { tools: capabilities.tools !== undefined, resources: capabilities.resources !== undefined, prompts: capabilities.prompts !== undefined };
      const info = client.getServerVersion();
      if (info) this.stats.serverInfo = { name: info.name, version: info.version };
      await this.#refreshTools(client);
    } catch (error) {
      // Read before close(): closing kills the child, which would look like an exit.
      const exited = transport instanceof StdioChildTransport ? transport.exitReason : undefined;
      await client.close().catch(() => undefined);
      if (this.#closing) return;
      return this.#failed(exited !== undefined ? `process exited (${exited}) before it answered initialize` : `connect failed: ${message(error)}`);
    }
    // After connect: a close from now on (child exit, HTTP session lost) is a failure.
    client.onclose = () => {
      if (this.#closing || this.#client !== client) return;
      this.#failed(this.stats.lastError ?? 'connection closed');
    };
    const wasOpen = this.#failures.length >= this.#options.breaker.threshold;
    this.#setState('ready');
    this.#hooks.health('ok', `${this.#tools.length} tools`);
    if (wasOpen) {
      this.#failures = [];
      this.#hooks.alert(this.#alert('resolved', 'info', `MCP server "${this.spec.name}" is connected again; circuit closed`));
    }
    this.#markReady();
  }

  #createTransport(): StdioChildTransport | StreamableHTTPClientTransport {
    const spec = this.spec;
    if (spec.transport === 'http') {
      return new StreamableHTTPClientTransport(new URL(spec.url), { requestInit: { headers: { ...spec.headers } } });
    }
    return new StdioChildTransport({
      command: spec.command,
      args: spec.args,
      env: spec.env,
      cwd: spec.cwd,
      maxStderrLineBytes: this.#options.maxStderrLineBytes,
      // The root logger's redactor scrubs secrets (config values included) from the line.
      onStderrLine: (line) => (this.#hooks.stderr ? this.#hooks.stderr(line) : this.#hooks.log.info({ server: this.spec.name, stream: 'stderr' }, line)),
      onSpawn: (pid) => {
        this.stats.pid = pid;
      },
      onExit: (code, signal) => {
        if (this.#closing) return;
        this.stats.lastError = `process exited (${signal ?? `code ${code}`})`;
        this.#hooks.log.warn({ server: this.spec.name, exitCode: code, signal }, 'MCP server process exited');
      },
    });
  }

  async #refreshTools(client: Client): Promise<void> {
    const tools: Tool[] = [];
    if (client.getServerCapabilities()?.tools !== undefined) {
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor === undefined ? {} : { cursor }, { timeout: this.#options.connectTimeoutMs });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor !== undefined && tools.length < 10_000);
    }
    if (this.#client !== client) return;
    this.#tools = tools;
    this.stats.tools = tools.length;
    this.#hooks.onTools(tools);
  }

  #failed(reason: string): void {
    if (this.#closing || this.stats.state === 'backoff' || this.stats.state === 'circuit-open') return;
    const client = this.#client;
    this.#client = undefined;
    void client?.close().catch(() => undefined);
    const now = Date.now();
    const { threshold, windowMs, cooldownMs } = this.#options.breaker;
    this.#failures = [...this.#failures.filter((at) => now - at < windowMs), now];
    this.stats.failures++;
    this.stats.lastError = reason;
    delete this.stats.pid;
    this.#tools = [];
    this.stats.tools = 0;
    this.#hooks.onTools([]);
    this.#markReady();
    if (this.#failures.length >= threshold) {
      this.#setState('circuit-open');
      const detail = `circuit open after ${this.#failures.length} failures in ${Math.round(windowMs / 1000)} s (last: ${reason}); next attempt in ${Math.round(cooldownMs / 1000)} s`;
      this.#hooks.log.error({ server: this.spec.name }, `MCP server "${this.spec.name}": ${detail}`);
      this.#hooks.health('degraded', detail);
      this.#hooks.alert(this.#alert('firing', 'critical', `MCP server "${this.spec.name}" keeps failing: ${detail}`));
      this.#schedule(cooldownMs);
      return;
    }
    const delay = Math.min(this.#options.backoff.maxMs, this.#options.backoff.initialMs * 2 ** (this.#failures.length - 1));
    this.#setState('backoff');
    this.#hooks.health('degraded', `${reason}; retry in ${delay} ms`);
    this.#hooks.log.warn({ server: this.spec.name, delayMs: delay }, `MCP server "${this.spec.name}": ${reason}; restarting after backoff`);
    this.#schedule(delay);
  }

  #schedule(delay: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.stats.restarts++;
      void this.#connect();
    }, delay);
    this.#timer.unref();
  }

  #setState(state: ConnectionState): void {
    this.stats.state = state;
  }

  #alert(state: 'firing' | 'resolved', severity: Alert['severity'], text: string): Alert {
    return { id: `mcp.server.${this.spec.name}`, severity, source: 'mcp', message: text, state, at: Date.now(), data: { server: this.spec.name, failures: this.#failures.length } };
  }

  /** Calls a tool under the server's timeout, the caller's signal and a progress callback. */
  async callTool(name: string, args: unknown, options: CallOptions = {}): Promise<unknown> {
    const client = this.client;
    if (client === undefined) throw new Error(`MCP server "${this.spec.name}" is not connected (${this.stats.state}${this.stats.lastError ? `: ${this.stats.lastError}` : ''})`);
    this.stats.calls++;
    try {
      return await client.callTool({ name, arguments: (args ?? {}) as Record<string, unknown> }, undefined, {
        timeout: this.spec.timeoutMs,
        maxTotalTimeout: this.spec.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
        onprogress: (progress) => {
          this.stats.progress++;
          options.onProgress?.(progress);
        },
      });
    } catch (error) {
      this.stats.errors++;
      if (options.signal?.aborted) throw new Error(`call to ${this.spec.name}/${name} cancelled: the run was aborted`);
      if (/timed out|timeout/i.test(message(error))) {
        this.stats.timeouts++;
        throw new Error(`call to ${this.spec.name}/${name} timed out after ${this.spec.timeoutMs} ms (cancelled on the server; mcp.servers.${this.spec.name}.timeoutMs)`);
      }
      // An HTTP server has no process to watch: a transport-level failure (not an MCP error
      // answer) means the server or its session is gone, so reconnect under the usual backoff.
      if (this.spec.transport === 'http' && !(error instanceof McpError) && this.#client === client) this.#failed(`HTTP request failed: ${message(error)}`);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.#closing = true;
    clearTimeout(this.#timer);
    this.#setState('closed');
    const client = this.#client;
    this.#client = undefined;
    await client?.close().catch(() => undefined);
    await this.#transport?.close().catch(() => undefined);
  }

  /** Synchronous kill of a stdio child's process group (process exit without a close). */
  killNow(): void {
    if (this.#transport instanceof StdioChildTransport) this.#transport.kill();
  }
}

function message(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // The SDK's StreamableHTTPError carries the HTTP status in `code`; its message may not.
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && code >= 100 && code < 600 && !error.message.includes(String(code)) ? `${error.message.trim()} (HTTP ${code})` : error.message;
}
