/**
 * Which alert sinks this kernel has, by name, so `alerts.sinks` can be checked: a name no
 * loaded plugin serves would otherwise leave alerts silently undelivered (the user believes a
 * pager is wired up). Every sink registers through `tapAlertSink`; once every plugin's setup
 * ran (`configResolved`) the listed names are compared with the registered ones.
 */
import { createServiceRef, MoltbotError, type PluginContext } from '../core/index.ts';

export interface AlertSinkRegistry {
  /** Records that `plugin` serves the sink `name`; a name served by two plugins is an error. */
  register(name: string, plugin: string): void;
  /** Sink name → the plugin serving it. */
  registered(): ReadonlyMap<string, string>;
}

export function createAlertSinkRegistry(): AlertSinkRegistry {
  const sinks = new Map<string, string>();
  return {
    register(name, plugin) {
      const other = sinks.get(name);
      if (other !== undefined && other !== plugin) {
        throw new MoltbotError('MOLT_ERR_PLUGIN_DUPLICATE', {
          message: `Alert sink "${name}" is served by both "${other}" and "${plugin}"`,
          plugin,
          fix: `Give one of the two sinks another name, or load only one of "${other}" and "${plugin}".`,
        });
      }
      sinks.set(name, plugin);
    },
    registered: () => sinks,
  };
}

/** The kernel's alert sinks by name; no plugin has to provide it (the default is per kernel). */
export const alertSinksServiceRef = createServiceRef<AlertSinkRegistry>({
  id: 'alert-sinks',
  description: 'Alert sinks by name, checked against alerts.sinks',
  defaultFactory: () => createAlertSinkRegistry(),
});

/** Sink names the root config lists (`alerts.sinks`); undefined when it lists none (every sink serves). */
export function listedSinks(config: PluginContext['config']): readonly string[] | undefined {
  const sinks = (config.alerts as { sinks?: unknown } | undefined)?.sinks;
  return Array.isArray(sinks) ? (sinks as string[]) : undefined;
}

/** Throws the config error for the first name in `alerts.sinks` no registered sink serves. */
export function assertListedSinksServed(config: PluginContext['config'], registered: ReadonlyMap<string, string>): void {
  (listedSinks(config) ?? []).forEach((name, index) => {
    if (registered.has(name)) return;
    const path = `alerts.sinks[${index}]`;
    const known = [...registered.keys()];
    throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
      message: `${path} names alert sink "${name}", which no loaded plugin provides (${known.length > 0 ? `provided: ${known.join(', ')}` : 'no alert sink plugin is loaded'})`,
      path,
      plugin: 'alerts',
      fix: `Add the plugin that provides alert sink "${name}" to \`plugins\` (first-party: console, file, webhook), or remove "${name}" from alerts.sinks.`,
    });
  });
}

const checked = new WeakSet<AlertSinkRegistry>();

/**
 * Checks `alerts.sinks` against the registered sinks once every setup ran. Called by every sink
 * and by the alerts plugin; the check is tapped once per kernel, by whichever comes first.
 */
export function checkListedSinks(ctx: Pick<PluginContext, 'name' | 'hooks' | 'use'>): void {
  const registry = ctx.use(alertSinksServiceRef);
  if (checked.has(registry)) return;
  checked.add(registry);
  ctx.hooks.configResolved.tap(ctx.name, (config) => {
    assertListedSinksServed(config, registry.registered());
    return config;
  });
}
