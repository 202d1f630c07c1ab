/**
 * `agent`: sessions, runs, the model failover chain, tools, tracing. Provides services `agent`
 * (runs, read side) and `tools` (other plugins register tools), declares the chat/sessions/
 * runs/models RPC methods, streams `chat.delta` / `chat.final` through the gateway when there
 * is one, and serves the OpenAI-compatible HTTP API when `gateway.http.openai.enabled`.
 * See README.md beside this file.
 */
import schema from '../../schemas/plugins/agent.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/agent.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { createAgentHooks } from './agent-hooks.ts';
import { createAgentService, type AgentService, type SessionLease } from './agent-service.ts';
import { registerSessionsCommand } from './cli.ts';
import { registerOpenAiRoutes } from './openai-http.ts';
import { defineAgentMethods } from './rpc.ts';
import { resolveAgentSettings } from './settings.ts';
import { createToolRegistry, type ToolRegistry } from './tool-registry.ts';
import type { ModelApi, SessionStore } from './types.ts';
import type { CacheNamespace, CacheService } from '../../sdk/cache/index.ts';
import type { PluginContext } from '../../sdk/core/index.ts';

export type { AgentService, RunEvent, RunRequest, RunResult } from './agent-service.ts';
export type { ToolContext, ToolDefinition, ToolRegistry } from './tool-registry.ts';
export type * from './types.ts';
export { AgentError } from './agent-error.ts';
export { getAgentHooks, type AgentHooks, type BeforeCompaction, type CompactionFlushRequest } from './agent-hooks.ts';
export { ModelCallError } from './model-error.ts';
export { FAILOVER_POLICY } from './failover-policy.ts';
export { parseSessionKey, mainSessionKey } from './session-key.ts';

declare module '../../core/plugin.ts' {
  interface Services {
    agent: AgentService;
    tools: ToolRegistry;
  }
}

export default definePlugin({
  name: 'agent',
  version: '1.0.0',
  kernel: '^1.0.0',
  schema,
  validate: validateOptions,
  description: 'Sessions, runs with model failover, tool loop, compaction, usage and tracing',
  dependencies: ['session-store-file'],
  // The gateway only carries RPC and HTTP: embedded without it, use the `agent` service.
  optionalDependencies: ['provider-anthropic', 'provider-openai', 'gateway', 'cache', 'events-redis'],
  setup(ctx) {
    const settings = resolveAgentSettings(ctx.config);
    const tools = createToolRegistry();
    ctx.provide('tools', tools);
    const agentHooks = ctx.exposeHooks(createAgentHooks());
    let service: AgentService | undefined;
    let sessionCache: CacheNamespace | undefined;
    let sessionLease: SessionLease | undefined | null = null;
    const agent = (): AgentService => {
      service ??= createAgentService({
        settings,
        store: ctx.use('session-store') as SessionStore,
        hooks: ctx.hooks,
        log: ctx.log,
        tools,
        env: process.env,
        signal: ctx.signal,
        sessionCache: () => (sessionCache ??= openSessionCache(ctx, settings.sessionCacheSize)),
        // Looked up once (a missing service is an exception, too dear per run).
        sessionLease: () => {
          if (sessionLease === null) {
            try {
              sessionLease = ctx.use('session-lease') as SessionLease;
            } catch {
              sessionLease = undefined;
            }
          }
          return sessionLease;
        },
        agentHooks,
        apiFor: (api) => {
          try {
            return ctx.use(`model-api:${api}`) as ModelApi;
          } catch {
            return undefined;
          }
        },
      });
      return service;
    };
    ctx.provide('agent', {
      // Tracked: close() waits for runs in flight (they stop early: ctx.signal aborts them).
      run: (request) => ctx.track(agent().run(request)),
      abort: (target) => agent().abort(target),
      history: (key, limit) => agent().history(key, limit),
      listSessions: (agentId) => agent().listSessions(agentId),
      inspectSession: (key) => agent().inspectSession(key),
      trace: (runId, agentId) => agent().trace(runId, agentId),
      modelStatus: () => agent().modelStatus(),
      resetModels: (ref) => agent().resetModels(ref),
      usage: () => agent().usage(),
      queue: () => agent().queue(),
      subscribe: (listener) => agent().subscribe(listener),
      tools,
    } satisfies AgentService);

    defineAgentMethods(ctx, agent);

    if (ctx.config['gateway']?.http?.openai?.enabled === true) {
      ctx.hooks.httpRoute.tap(ctx.name, (router) => registerOpenAiRoutes(router, agent, () => [settings.model, ...settings.fallbacks]));
    }

    ctx.hooks.cliCommands.tap(ctx.name, (program, cli) => registerSessionsCommand(program, cli, () => ctx.use('session-store') as SessionStore));
  },
});

/** The session cache: the cache service's memory tier only (transcripts are live, per-process values). */
function openSessionCache(ctx: Pick<PluginContext, 'use' | 'log'>, maxEntries: number): CacheNamespace | undefined {
  if (maxEntries === 0) return undefined;
  let cache: CacheService;
  try {
    cache = ctx.use('cache') as CacheService;
  } catch {
    ctx.log.info({}, 'no cache plugin: sessions are read from the session store on every run');
    return undefined;
  }
  if (!cache.tiers.includes('memory')) ctx.log.info({ tiers: cache.tiers }, 'the cache has no memory tier: sessions are read from the session store on every run');
  return cache.namespace('agent-sessions', { tiers: ['memory'], maxEntries });
}
