/** Typed services injected by name or ref (Backstage style): one provider each, defaults built on demand. */
import { MoltbotError } from './errors.ts';
import { serviceIdOf, type ServiceRef } from './refs.ts';

export class ServiceRegistry {
  /** `defaultFor`: built from the ref's default for that consumer, no plugin provided it. */
  readonly #services = new Map<string, { plugin: string; value: unknown; defaultFor?: string }>();

  provide(plugin: string, nameOrRef: string | ServiceRef<unknown>, value: unknown): void {
    const name = serviceIdOf(nameOrRef);
    const existing = this.#services.get(name);
    if (existing?.defaultFor !== undefined) {
      throw new MoltbotError('MOLT_ERR_SERVICE_DUPLICATE', {
        message: `Plugin "${plugin}" provides service "${name}", but the default of service "${name}" was already handed out to "${existing.defaultFor}"`,
        plugin,
        fix: `Declare the service in \`provides\` of "${plugin}" and in \`consumes\` of "${existing.defaultFor}", so the provider is set up first.`,
      });
    }
    if (existing) {
      throw new MoltbotError('MOLT_ERR_SERVICE_DUPLICATE', {
        message: `Service "${name}" is provided by both "${existing.plugin}" and "${plugin}"`,
        plugin,
      });
    }
    this.#services.set(name, { plugin, value });
  }

  has(nameOrRef: string | ServiceRef<unknown>): boolean {
    return this.#services.has(serviceIdOf(nameOrRef));
  }

  use(nameOrRef: string | ServiceRef<unknown>, consumer: string): unknown {
    const name = serviceIdOf(nameOrRef);
    const entry = this.#services.get(name);
    if (entry) return entry.value;
    if (typeof nameOrRef !== 'string' && nameOrRef.defaultFactory) {
      const value = nameOrRef.defaultFactory();
      this.#services.set(name, { plugin: '(default)', value, defaultFor: consumer });
      return value;
    }
    const known = [...this.#services.keys()];
    throw new MoltbotError('MOLT_ERR_SERVICE_MISSING', {
      message: `${consumer === 'host' ? 'The host' : `Plugin "${consumer}"`} uses service "${name}", which no plugin provides` +
        (known.length > 0 ? ` (provided: ${known.join(', ')})` : ''),
      plugin: consumer,
    });
  }

  useOptional(ref: ServiceRef<unknown>, consumer: string): unknown {
    return this.has(ref) || ref.defaultFactory ? this.use(ref, consumer) : undefined;
  }

  providers(): { name: string; plugin: string }[] {
    return [...this.#services].map(([name, { plugin }]) => ({ name, plugin }));
  }
}
