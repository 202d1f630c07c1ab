/**
 * `agent`: sessions, runs, the model failover chain, tools, tracing. Provides services `agent`
 * (runs, read side) and `tools` (other plugins register tools), declares the chat/sessions/
 * runs/models RPC methods, streams `chat.delta` / `chat.final` through the gateway when there
 * is one, and serves the OpenAI-compatible HTTP API when `gateway.http.openai.enabled`.
 * See README.md beside this file.
 */
import schema from '../../schemas/plugins/agent.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/agent.validate.ts';
import { definePlugin, optionalService } from '../../sdk/core/index.ts';
import { agentRoster, agentServiceRef, configErrorsOf, mainSessionKey, compileBindings, createAgentHooks, createToolRegistry, modelApiRef, sessionLeaseRef, sessionStoreRef, toolRegistryRef } from '../../sdk/agent/index.ts';
import type { AgentRoster } from '../../sdk/agent/index.ts';
import { homedir } from 'node:os';
import { createIdentityFiles } from './identity-files.ts';
import type { AgentService, ModelApi, SessionLease } from '../../sdk/agent/index.ts';
import { createAgentService } from './agent-service.ts';
import { registerSessionsCommand } from './cli.ts';
import { registerAgentsCommand } from './agents-cli.ts';
import { defineAgentsMethods } from './agents-rpc.ts';
import { diagnoseAgents } from './agents-doctor.ts';
import { registerOpenAiRoutes } from './openai-http.ts';
import { defineAgentMethods } from './rpc.ts';
import { resolveAgentSettings } from './settings.ts';
import { cacheServiceRef, type CacheNamespace } from '../../sdk/cache/index.ts';
import type { PluginContext } from '../../sdk/core/index.ts';

// The contracts moved to moltbot/plugin-sdk/agent; re-exported for code that imported them here.
export * from '../../sdk/agent/index.ts';
export { FAILOVER_POLICY } from './failover-policy.ts';

export default definePlugin({
  name: 'agent',
  version: '1.0.0',
  kernel: '^1.0.0',
  schema,
  validate: validateOptions,
  description: 'Sessions, runs with model failover, tool loop, compaction, usage and tracing',
  sections: ['agent', 'providers', 'agents', 'bindings', 'session'],
  dependencies: ['session-store-file'],
  // The gateway only carries RPC and HTTP: embedded without it, use the `agent` service.
  optionalDependencies: ['provider-anthropic', 'provider-openai', 'gateway', 'cache', 'events-redis'],
  provides: [toolRegistryRef, agentServiceRef],
  consumes: [sessionStoreRef, optionalService(sessionLeaseRef)],
  // Duplicate agent ids, two defaults, a binding to an unknown agent, two bindings with the same
  // match: config errors for `config validate` and doctor too, not only at start.
  check({ config, paths }) {
    rosterOf(config, paths.workspace);
  },
  setup(ctx) {
    const roster = rosterOf(ctx.config, ctx.paths.workspace);
    // The agent main's chain as the roster resolved it (agents.defaults.model is its base too).
    const main = roster.get('main')!;
    const settings = { ...resolveAgentSettings(ctx.config), model: main.model, fallbacks: [...main.fallbacks] };
    const identityFiles = createIdentityFiles();
    const tools = createToolRegistry();
    ctx.provide(toolRegistryRef, tools);
    const agentHooks = ctx.exposeHooks(createAgentHooks());
    let service: ReturnType<typeof createAgentService> | undefined;
    let sessionCache: CacheNamespace | undefined;
    let sessionLease: SessionLease | undefined | null = null;
    const agent = () => {
      service ??= createAgentService({
        settings,
        store: ctx.use(sessionStoreRef),
        hooks: ctx.hooks,
        log: ctx.log,
        tools,
        env: process.env,
        signal: ctx.signal,
        stateDir: ctx.paths.stateDir,
        sessionCache: () => (sessionCache ??= openSessionCache(ctx, settings.sessionCacheSize)),
        // Looked up once, on the first run (every provider is set up by then).
        sessionLease: () => {
          if (sessionLease === null) sessionLease = ctx.useOptional(sessionLeaseRef);
          return sessionLease;
        },
        agentHooks,
        roster,
        identitySection: (profile) => identityFiles.section(profile.workspace),
        apiFor: (api) => modelApi(ctx, api),
      });
      return service;
    };
    ctx.provide(agentServiceRef, {
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

    // The control UI's chat is the webchat channel: the bindings pick its agent too.
    const router = compileBindings(ctx.config, roster);
    const webchatAgent = router.route({ channel: 'webchat', chatType: 'dm', sender: 'owner', chatId: 'owner' });
    defineAgentMethods(ctx, agent, mainSessionKey(webchatAgent), roster.list.map((profile) => profile.id));
    defineAgentsMethods(ctx, roster, router.bindings);
    // Tapped as "agent": moltbot_agent_runs_total{agent,status}, moltbot_agent_tokens_total{agent,kind}.
    ctx.hooks.collectMetrics.tap('agent', (collector) => {
      if (service === undefined) return;
      for (const [agentId, totals] of service.totalsByAgent()) {
        for (const status of ['ok', 'error', 'aborted'] as const) collector.set('runs_total', totals.runs[status], { agent: agentId, status });
        for (const kind of ['input', 'output'] as const) collector.set('tokens_total', totals.tokens[kind], { agent: agentId, kind });
      }
    });
    // Backups hold every agent: the sessions (state/agents) are one source already; each agent's
    // own workspace is added beside the main one (a shared or nested folder only once).
    ctx.hooks.backupSources.tap(ctx.name, (sources) => {
      const taken = sources.map((source) => source.path);
      const extra = roster.list
        .filter((one) => one.id !== 'main' && !taken.some((path) => one.workspace === path || one.workspace.startsWith(`${path}/`)))
        .filter((one, index, all) => all.findIndex((other) => other.workspace === one.workspace) === index)
        .map((one) => ({ name: `workspace-${one.id}`, path: one.workspace, plugin: ctx.name }));
      return [...sources, ...extra];
    });
    ctx.hooks.diagnose.tapPromise(ctx.name, (report) => diagnoseAgents({
      roster, bindings: router.bindings, providers: settings.providers, env: process.env,
      apiFor: (api) => modelApi(ctx, api),
      channels: ['webchat', ...Object.keys(ctx.config['channels'] ?? {})],
    }, report));

    if (ctx.config['gateway']?.http?.openai?.enabled === true) {
      ctx.hooks.httpRoute.tap(ctx.name, (router) => registerOpenAiRoutes(router, agent, () => [settings.model, ...settings.fallbacks]));
    }

    ctx.hooks.cliCommands.tap(ctx.name, (program, cli) => registerSessionsCommand(program, cli, () => ctx.use(sessionStoreRef)));
    ctx.hooks.cliCommands.tap(ctx.name, (program, cli) => registerAgentsCommand(program, cli, { config: () => ctx.config, paths: () => ctx.paths }));
  },
});

/** The agents of the config, with the bindings checked against them (both throw naming the paths). */
function rosterOf(config: Readonly<Record<string, any>>, mainWorkspace: string): AgentRoster {
  return configErrorsOf('agent', () => {
    const roster = agentRoster(config, { mainWorkspace, home: homedir() });
    compileBindings(config, roster);
    return roster;
  });
}

/**
 * The provider of wire protocol `api` (`modelApiRef(api)`); a plugin written before refs may
 * still provide it by the old string name `model-api:<api>`.
 */
function modelApi(ctx: Pick<PluginContext, 'use' | 'useOptional'>, api: string): ModelApi | undefined {
  let ref;
  try {
    ref = modelApiRef(api);
  } catch {
    return undefined;
  }
  const provided = ctx.useOptional(ref);
  if (provided !== undefined) return provided;
  try {
    return ctx.use(`model-api:${api}`) as ModelApi;
  } catch {
    return undefined;
  }
}

/** The session cache: the cache service's memory tier only (transcripts are live, per-process values). */
function openSessionCache(ctx: Pick<PluginContext, 'useOptional' | 'log'>, maxEntries: number): CacheNamespace | undefined {
  if (maxEntries === 0) return undefined;
  const cache = ctx.useOptional(cacheServiceRef);
  if (!cache) {
    ctx.log.info({}, 'no cache plugin: sessions are read from the session store on every run');
    return undefined;
  }
  if (!cache.tiers.includes('memory')) ctx.log.info({ tiers: cache.tiers }, 'the cache has no memory tier: sessions are read from the session store on every run');
  return cache.namespace('agent-sessions', { tiers: ['memory'], maxEntries });
}
