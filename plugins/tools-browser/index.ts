/**
 * `tools-browser` (opt-in): the `browser` tool driving a headless system Chromium through
 * playwright-core, one process and profile per session, bounded by `tools.browser`
 * (maxInstances through the resources plugin when present, memoryLimit, timeout, idleTtlMs)
 * and an egress policy (allowedHosts / blockedHosts, private ranges and the gateway port
 * blocked). Metrics, a doctor check, audit findings; every browser ends with the kernel.
 */
import schema from '../../schemas/plugins/tools-browser.json' with { type: 'json' };
import validate from '../../schemas/generated/tools-browser.validate.ts';
import { definePlugin, createServiceRef } from '../../sdk/core/index.ts';
import { gatewayServiceRef } from '../../sdk/gateway/index.ts';
import { toolRegistryRef, type ToolPolicy } from '../../sdk/agent/index.ts';
import { BrowserPool } from './browser-pool.ts';
import { ACTIONS, createBrowserTool } from './browser-tool.ts';
import { browserAuditChecks } from './audit.ts';
import { checkChromium } from './doctor.ts';
import { createEgressPolicy } from './egress-policy.ts';
import { BrowserToolError } from './errors.ts';
import { resolveSettings } from './settings.ts';
import { browserErrors } from './error-codes.ts';

/** The pool of Chromium browsers the browser tool drives. */
export const browserPoolRef = createServiceRef<BrowserPool>({ id: 'browser', description: 'The pool of Chromium browsers the browser tool drives' });

export interface ToolsBrowserOptions {
  launchTimeoutMs: number;
  watchdogIntervalMs: number;
}

const DEFAULT_GATEWAY_PORT = 18789;

export default definePlugin<ToolsBrowserOptions>({
  name: 'tools-browser',
  version: '1.0.0',
  provides: [browserPoolRef],
  kernel: '^1.0.0',
  description: 'browser tool: headless system Chromium per session under tools.browser limits and an egress policy',
  sections: ['tools.browser'],
  schema,
  validate,
  defaults: { launchTimeoutMs: 30_000, watchdogIntervalMs: 2_000 },
  dependencies: ['agent'],
  consumes: [toolRegistryRef],
  optionalDependencies: ['resources', 'gateway'],
  setup(ctx, options) {
    const settings = resolveSettings(ctx.config);
    if (settings.maxInstances === 0) {
      ctx.log.info('tools.browser.maxInstances is 0: the browser tool is not registered');
      return;
    }
    ctx.hooks.diagnose.tapPromise(ctx.name, (report) => checkChromium(settings.executablePath, options.launchTimeoutMs, report));
    const optional = <T>(name: string): T | undefined => {
      try {
        return ctx.use(name as 'resources') as T;
      } catch {
        return undefined;
      }
    };
    ctx.hooks.audit.tapPromise(ctx.name, async (report) => {
      let policy: ToolPolicy | undefined;
      try {
        policy = optional<{ current(): ToolPolicy }>('tool-policy')?.current();
      } catch {
        policy = undefined;
      }
      for (const check of browserAuditChecks(policy, settings.allowedHosts)) report.add(check);
    });
    const configuredPort = (ctx.config.gateway as { port?: number } | undefined)?.port ?? DEFAULT_GATEWAY_PORT;
    const proxyPorts = new Set<number>();
    const policy = createEgressPolicy({
      allowedHosts: settings.allowedHosts,
      blockedHosts: settings.blockedHosts,
      protectedPorts: () => {
        const live = ctx.useOptional(gatewayServiceRef)?.address()?.port;
        return [configuredPort, ...(live === undefined ? [] : [live]), ...proxyPorts];
      },
    });

    const held = new Set<string>();
    const acquire = (sessionKey: string) => {
      const resources = optional<{ acquire(type: string, id: string): { release(): void } }>('resources');
      if (resources !== undefined) {
        try {
          return resources.acquire('browser', sessionKey);
        } catch (error) {
          throw new BrowserToolError(browserErrors.MOLT_ERR_TOOL_BROWSER_BUSY, `no browser slot: ${(error as Error).message}`);
        }
      }
      if (held.size >= settings.maxInstances) {
        throw new BrowserToolError(browserErrors.MOLT_ERR_TOOL_BROWSER_BUSY, `no browser slot: ${held.size} of ${settings.maxInstances} browsers are open (tools.browser.maxInstances); close one or wait for an idle one to close`);
      }
      held.add(sessionKey);
      return { release: () => void held.delete(sessionKey) };
    };

    const pool = new BrowserPool({ settings, stateDir: ctx.paths.stateDir, log: ctx.log, policy, proxyPorts, acquire, launchTimeoutMs: options.launchTimeoutMs });
    ctx.provide(browserPoolRef, pool);
    const actions = new Map<string, number>();
    const errors = new Map<string, number>();
    const tool = createBrowserTool({
      pool, policy, workspace: () => ctx.paths.workspace, maxSnapshotChars: settings.maxSnapshotChars,
      count(action, code) {
        actions.set(action, (actions.get(action) ?? 0) + 1);
        if (code !== undefined) errors.set(code, (errors.get(code) ?? 0) + 1);
      },
    });
    ctx.onClose(() => pool.closeAll());
    ctx.onClose(ctx.use(toolRegistryRef).register(tool));

    const timer = setInterval(() => {
      pool.checkMemory();
      void pool.sweepIdle();
    }, options.watchdogIntervalMs);
    timer.unref();
    ctx.onClose(() => clearInterval(timer));

    ctx.hooks.collectMetrics.tap(ctx.name, (collector) => {
      collector.set('instances', pool.size);
      collector.set('max_instances', settings.maxInstances);
      for (const action of ACTIONS) collector.set('actions_total', actions.get(action) ?? 0, { action });
      for (const [code, count] of errors) collector.set('errors_total', count, { code });
    });
  },
});
