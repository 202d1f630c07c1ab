/**
 * The `provides` / `consumes` contract, checked where it can fail early: before any setup (a
 * consumed service nobody declares), while providing (a service not declared) and after setup
 * (a declared service not provided).
 */
import { MoltbotError } from './errors.ts';
import type { AnyPlugin } from './plugin.ts';
import { serviceIdOf, useOf, type ServiceRef } from './refs.ts';

/** Service id → the plugin declaring it in `provides`. */
export function declaredProviders(plugins: readonly AnyPlugin[]): Map<string, string> {
  const providers = new Map<string, string>();
  for (const plugin of plugins) {
    for (const ref of plugin.provides ?? []) {
      const other = providers.get(ref.id);
      if (other !== undefined && other !== plugin.name) {
        throw new MoltbotError('MOLT_ERR_SERVICE_DUPLICATE', {
          message: `Service "${ref.id}" is declared in \`provides\` by both "${other}" and "${plugin.name}"`,
          plugin: plugin.name,
        });
      }
      providers.set(ref.id, plugin.name);
    }
  }
  return providers;
}

/** Every required `consumes` entry has a declared provider or a default; checked before setup. */
export function assertConsumedServicesProvided(plugins: readonly AnyPlugin[]): void {
  // A plugin without `provides` counts as providing nothing here: a consumer that needs a
  // service must find it declared, or declare the use optional.
  const providers = declaredProviders(plugins);
  for (const plugin of plugins) {
    for (const use of plugin.consumes ?? []) {
      const { id, optional, hasDefault } = useOf(use);
      if (optional || hasDefault || providers.has(id)) continue;
      throw new MoltbotError('MOLT_ERR_SERVICE_MISSING', {
        message: `Plugin "${plugin.name}" consumes service "${id}", which no registered plugin provides`,
        plugin: plugin.name,
        fix: `Add a plugin whose \`provides\` lists "${id}" to \`plugins\`, or declare the use as optionalService(ref) if "${plugin.name}" can do without it.`,
      });
    }
  }
}

export function assertDeclaredProvide(plugin: AnyPlugin, service: string | ServiceRef<unknown>): void {
  if (plugin.provides === undefined) return;
  const id = serviceIdOf(service);
  if (plugin.provides.some((ref) => ref.id === id)) return;
  throw new MoltbotError('MOLT_ERR_SERVICE_UNDECLARED', {
    message: `Plugin "${plugin.name}" provides service "${id}", which its \`provides\` does not list`,
    plugin: plugin.name,
  });
}

export function assertDeclaredProvided(plugin: AnyPlugin, has: (id: string) => boolean): void {
  const missing = (plugin.provides ?? []).filter((ref) => !has(ref.id)).map((ref) => ref.id);
  if (missing.length === 0) return;
  throw new MoltbotError('MOLT_ERR_SERVICE_MISSING', {
    message: `Plugin "${plugin.name}" declares \`provides\` ${missing.map((id) => `"${id}"`).join(', ')} but did not provide ${missing.length === 1 ? 'it' : 'them'} in setup`,
    plugin: plugin.name,
    fix: `Call ctx.provide(ref, service) in setup of "${plugin.name}", or remove the ref from \`provides\`.`,
  });
}
