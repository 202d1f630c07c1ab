/**
 * `gateway`: the control plane every client and channel uses. WebSocket RPC and HTTP on one
 * port, bind modes, TLS, origin checks, auth through the `authenticate` hook, limits, and a
 * graceful close. See README.md beside this file for config, protocol and limits.
 */
import schema from '../../schemas/plugins/gateway.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/gateway.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { KERNEL_VERSION } from '../../sdk/core/index.ts';
import { assertBindIsSafe, resolveBind } from './bind.ts';
import { defineBuiltinMethods } from './builtin-methods.ts';
import { registerGatewayCommand } from './cli-command.ts';
import { CLOSE_CODES } from '../../sdk/protocol/index.ts';
import { createHealthRegistry } from './health.ts';
import { builtinRoutes, Router } from './http-routes.ts';
import { IdempotencyCache } from './idempotency.ts';
import { watchIdleMemory } from './idle-memory.ts';
import { KnownSources } from './known-sources.ts';
import { gatewayServiceRef, hasConfiguredSecret, hasTaps, methodRegistry, secretSourceFor, type GatewayAddress, type GatewayService, acquireStateLock, type StateLock } from '../../sdk/gateway/index.ts';
import { daemonServiceRef } from '../../sdk/ops/index.ts';
import { checkMethodSchemas } from './method-schemas-check.ts';
import { rateLimitServiceRef } from '../../sdk/rate-limit/index.ts';
import { createOriginPolicy, TAILSCALE_HOST_SUFFIXES } from './origin.ts';
import { PreAuthSlots } from './pre-auth.ts';
import { Deadlines, InflightCounter } from './request-context.ts';
import type { Runtime } from './runtime.ts';
import type { RunningServer } from './server.ts';
import { broadcast, revoke, sendTo } from './service.ts';
import { callInProcess, connectInProcess } from './in-process.ts';
import { checkIdleMemoryTrim, DEFAULT_OPTIONS, resolveSettings, trustedProxiesOf, type CliOverrides, type GatewayOptions } from './settings.ts';
import { loadTls } from './tls.ts';

// The contract (methods, the service ref, wire codes) is moltbot/plugin-sdk/gateway and moltbot/protocol.
export type { GatewayOptions } from './settings.ts';

export default definePlugin<GatewayOptions>({
  name: 'gateway',
  version: '1.0.0',
  provides: [gatewayServiceRef],
  kernel: '^1.0.0',
  description: 'WebSocket RPC and HTTP on one port: auth, origin checks, rate limits, health endpoints',
  sections: ['gateway'],
  schema,
  validate: validateOptions,
  defaults: { ...DEFAULT_OPTIONS, trustedProxies: [] },
  // Set up first when present, so their taps and services exist before the gateway starts.
  optionalDependencies: ['rate-limit', 'auth-password', 'auth-token'],
  // The config half of what start does before listening (bind host, bind vs auth, TLS files),
  // so `config validate` and doctor refuse what start refuses. Start repeats it with --port/--bind.
  async check({ config, paths }, options) {
    const settings = resolveSettings(config, options, {});
    assertBindIsSafe(settings.bind, resolveBind(settings.bind, settings.customBindHost), settings.authMode);
    await loadTls(settings.ssl, paths.cwd);
  },
  setup(ctx, options) {
    const startedAt = Date.now();
    // A bad trustedProxies entry fails here, at load (config validate, doctor), not at start.
    trustedProxiesOf(options.trustedProxies);
    checkIdleMemoryTrim(options.idleMemoryTrimMs);
    const overrides: CliOverrides = {};
    let phase: 'starting' | 'ready' | 'closing' = 'starting';
    let runtime: Runtime | undefined;
    let server: RunningServer | undefined;
    let lock: StateLock | undefined;
    let closeCode: number = CLOSE_CODES.GOING_AWAY;

    const health = createHealthRegistry(() => phase);
    const registry = methodRegistry(ctx.hooks);
    const router = new Router();
    defineBuiltinMethods(ctx, health, () => runtime, startedAt);

    const address = (): GatewayAddress | undefined => {
      if (server === undefined) return undefined;
      const { address: host, port } = server.address;
      const shown = host.includes(':') ? `[${host}]` : host;
      return { host, port, url: `${server.secure ? 'wss' : 'ws'}://${shown}:${port}/`, httpUrl: `${server.secure ? 'https' : 'http'}://${shown}:${port}` };
    };
    const disconnectListeners = new Set<(connectionId: string) => void>();
    const service: GatewayService = {
      listenOn(next) {
        if (server !== undefined) throw new Error('gateway.listenOn(): the gateway is already listening; call it before kernel.start()');
        if (next.port !== undefined) overrides.port = next.port;
        if (next.bind !== undefined) overrides.bind = next.bind;
      },
      address,
      get connections() { return runtime?.connections.size ?? 0; },
      broadcast: (event, payload, scope) => (runtime ? broadcast(runtime, event, payload, scope) : 0),
      sendTo: (connectionId, event, payload) => (runtime ? sendTo(runtime, connectionId, event, payload) : false),
      call: (method, params, callOptions) => callInProcess(runtime, method, params, callOptions),
      connect: (grant) => connectInProcess(runtime, grant),
      stats: () => (runtime ? { ...runtime.traffic } : { requests: 0, errors: 0 }),
      health,
      methods: () => registry.list(),
      announceRestart: () => { closeCode = CLOSE_CODES.RESTART; },
      revoke: (subject, reason) => (runtime ? revoke(runtime, subject, reason) : 0),
      onDisconnect(listener) {
        disconnectListeners.add(listener);
        return () => disconnectListeners.delete(listener);
      },
    };
    ctx.provide(gatewayServiceRef, service);

    const daemonInstaller = () => {
      const daemon = ctx.useOptional(daemonServiceRef);
      return daemon ? () => daemon.install() : undefined;
    };
    ctx.hooks.cliCommands.tap(ctx.name, (program, cli) => registerGatewayCommand(program, cli, service, daemonInstaller));
    ctx.hooks.diagnose.tapPromise(ctx.name, async (report) => checkMethodSchemas(registry, report));

    ctx.hooks.start.tapPromise(ctx.name, async () => {
      const settings = resolveSettings(ctx.config, options, overrides);
      const target = resolveBind(settings.bind, settings.customBindHost);
      if (target.note !== undefined) ctx.log.warn({ bind: settings.bind }, target.note);
      assertBindIsSafe(settings.bind, target, settings.authMode);
      if (settings.authMode === 'none') {
        ctx.log.warn({ bind: settings.bind }, 'gateway.auth.mode is "none": any program on this machine (and any web page from an allowed origin) can control this gateway without a secret');
      } else if (!hasTaps(ctx.hooks.authenticate)) {
        ctx.log.error({ mode: settings.authMode }, 'no auth plugin is loaded (add "auth-password" / "auth-token" to plugins): every connection will be refused');
      }
      const limiter = ctx.use(rateLimitServiceRef);
      const tls = await loadTls(settings.ssl, ctx.paths.cwd);
      const { startServer } = await import('./server.ts');
      lock = await acquireStateLock(ctx.paths.stateDir);
      const scheme = tls ? 'https' : 'http';
      const knownSources = new KnownSources({
        stateDir: ctx.paths.stateDir,
        onSaveError: (error) => ctx.log.warn({ err: error }, 'could not save the known login sources; they are kept in memory'),
      });
      await knownSources.load();
      runtime = {
        settings,
        log: ctx.log,
        hooks: ctx.hooks,
        registry,
        limiter,
        health,
        idempotency: new IdempotencyCache({ ttlMs: settings.idempotencyTtlMs, maxEntries: settings.idempotencyMaxEntries }),
        deadlines: new Deadlines(settings.requestTimeoutMs),
        inflight: new InflightCounter(),
        origins: createOriginPolicy({ allowedOrigins: settings.allowedOrigins, scheme, port: settings.port, hosts: target.hosts, ...tailscaleOrigins(settings) }),
        version: KERNEL_VERSION,
        connections: new Set(),
        connectionsById: new Map(),
        inProcess: new Set(),
        disconnectListeners,
        traffic: { requests: 0, errors: 0 },
        preAuth: new PreAuthSlots(),
        knownSources,
        phase: 'starting',
        authConfigured: hasTaps(ctx.hooks.authenticate),
        track: (work) => ctx.track(work),
      };
      for (const route of builtinRoutes(runtime)) router.route(route);
      ctx.hooks.httpRoute.call({ route: (definition) => router.route(definition) });
      server = await startServer(runtime, router, { host: target.host, port: settings.port }, tls);
      // Nothing can be accepted before this line runs: I/O callbacks wait for the current microtasks.
      runtime.origins = createOriginPolicy({ allowedOrigins: settings.allowedOrigins, scheme, port: server.address.port, hosts: target.hosts, ...tailscaleOrigins(settings) });
      const where = address()!;
      // Whether the mode's secret is set: without it the auth plugins decide what is accepted
      // (auth-token: the generated token), which the mode alone hid.
      const secrets = settings.authMode === 'none' ? undefined : await secretSourceFor(ctx).current();
      ctx.log.info({
        url: where.url, bind: settings.bind, auth: settings.authMode,
        ...(secrets !== undefined ? { secretConfigured: hasConfiguredSecret(secrets) } : {}),
        tls: server.secure, ms: Date.now() - startedAt,
      }, `gateway listening on ${where.url}`);
    });

    let stopIdleMemory: (() => void) | undefined;
    ctx.hooks.ready.tap(ctx.name, () => {
      phase = 'ready';
      if (runtime) runtime.phase = 'ready';
      stopIdleMemory?.();
      if (options.idleMemoryTrimMs === 0) ctx.log.debug({}, 'idle memory collection off (idleMemoryTrimMs: 0)');
      else stopIdleMemory = watchIdleMemory({
        quietMs: options.idleMemoryTrimMs, log: ctx.log, busy: () => (runtime?.inflight.count ?? 0) > 0, served: () => (runtime?.inflight.begun ?? 0) > 0,
      });
    });

    ctx.hooks.beforeClose.tapPromise(ctx.name, async () => {
      phase = 'closing';
      if (runtime === undefined) return;
      runtime.phase = 'closing';
      server?.stopAccepting();
      // The kernel drains tracked work before onClose runs: requests already running finish and answer.
      void ctx.track(runtime.inflight.idle());
      broadcast(runtime, 'shutdown', { reason: closeCode === CLOSE_CODES.RESTART ? 'restart' : 'shutdown' });
    });

    ctx.onClose(async () => {
      stopIdleMemory?.();
      try {
        if (server !== undefined && runtime !== undefined) {
          const reason = closeCode === CLOSE_CODES.RESTART ? 'gateway restarting' : 'gateway shutting down';
          for (const client of [...runtime.inProcess]) client.close(reason);
          await server.close(closeCode, closeCode === CLOSE_CODES.RESTART ? 'gateway restarting' : 'gateway shutting down');
          runtime.deadlines.stop();
          runtime.phase = 'closed';
          await runtime.knownSources.flush();
        }
      } finally {
        await lock?.release();
      }
    }, { timeout: options.closeGraceMs + 5_000 });
  },
});

/** Behind tailscale serve/funnel the control UI is served on the machine's ts.net name. */
function tailscaleOrigins(settings: { tailscale: 'off' | 'serve' | 'funnel' }) {
  return settings.tailscale === 'off' ? {} : { forwardedHostSuffixes: TAILSCALE_HOST_SUFFIXES };
}
