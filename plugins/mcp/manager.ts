/**
 * All configured MCP servers of one gateway: a supervised connection per server, and their
 * tools kept in the agent's registry (replaced as a whole whenever a server's list changes,
 * removed while it is down).
 */
import type { Alert } from '../../sdk/core/index.ts';
import type { Logger } from '../../sdk/core/index.ts';
import type { ToolRegistry } from '../../sdk/agent/index.ts';
import { McpServerConnection, type ServerStats } from './connection.ts';
import { serverTools } from './server-tools.ts';
import type { McpOptions, ServerSpec } from './settings.ts';

export interface ManagerDeps {
  log: Logger;
  registry(): ToolRegistry | undefined;
  alert(alert: Alert): void;
  health(server: string, status: 'ok' | 'degraded', detail: string): void;
}

export class McpManager {
  readonly connections: McpServerConnection[];
  readonly #registered = new Map<string, (() => void)[]>();
  readonly #deps: ManagerDeps;

  constructor(specs: readonly ServerSpec[], options: McpOptions, deps: ManagerDeps) {
    this.#deps = deps;
    this.connections = specs.map((spec) => {
      const connection: McpServerConnection = new McpServerConnection(spec, options, {
        log: deps.log,
        alert: deps.alert,
        health: (status, detail) => deps.health(spec.name, status, detail),
        onTools: () => this.#sync(connection),
      });
      return connection;
    });
  }

  start(): void {
    for (const connection of this.connections) connection.start();
  }

  /** Resolves once every server connected or failed its first attempt (or `timeoutMs`). */
  async settled(timeoutMs: number): Promise<void> {
    await Promise.all(this.connections.map((c) => c.whenSettled(timeoutMs)));
  }

  get(name: string): McpServerConnection | undefined {
    return this.connections.find((c) => c.spec.name === name);
  }

  stats(): Record<string, ServerStats> {
    return Object.fromEntries(this.connections.map((c) => [c.spec.name, c.stats]));
  }

  #sync(connection: McpServerConnection): void {
    const name = connection.spec.name;
    for (const remove of this.#registered.get(name) ?? []) remove();
    this.#registered.delete(name);
    const registry = this.#deps.registry();
    if (registry === undefined || connection.tools.length === 0 && connection.stats.state !== 'ready') return;
    const removers: (() => void)[] = [];
    const definitions = serverTools(connection, connection.tools, {
      // The caller gets the update through context.progress; the log keeps a trace of it.
      onProgress: (server, tool, context, progress) => this.#deps.log.debug({ server, tool, runId: context.runId, progress: progress.progress, total: progress.total }, `MCP progress ${server}/${tool}: ${progress.progress}${progress.total !== undefined ? `/${progress.total}` : ''}${progress.message ? ` ${progress.message}` : ''}`),
    });
    for (const tool of definitions) {
      try {
        removers.push(registry.register(tool));
      } catch (error) {
        this.#deps.log.warn({ server: name, tool: tool.name }, `MCP tool not registered: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.#registered.set(name, removers);
  }

  async close(): Promise<void> {
    for (const removers of this.#registered.values()) for (const remove of removers) remove();
    this.#registered.clear();
    await Promise.all(this.connections.map((c) => c.close()));
  }

  killNow(): void {
    for (const connection of this.connections) connection.killNow();
  }
}
