/** Typed services injected by name (Backstage style): one provider each, consumers by name. */
import { MoltbotError } from './errors.ts';

export class ServiceRegistry {
  readonly #services = new Map<string, { plugin: string; value: unknown }>();

  provide(plugin: string, name: string, value: unknown): void {
    const existing = this.#services.get(name);
    if (existing) {
      throw new MoltbotError('MOLT_ERR_SERVICE_DUPLICATE', {
        message: `Service "${name}" is provided by both "${existing.plugin}" and "${plugin}"`,
        plugin,
      });
    }
    this.#services.set(name, { plugin, value });
  }

  use(name: string, consumer: string): unknown {
    const entry = this.#services.get(name);
    if (!entry) {
      const known = [...this.#services.keys()];
      throw new MoltbotError('MOLT_ERR_SERVICE_MISSING', {
        message: `${consumer === 'host' ? 'The host' : `Plugin "${consumer}"`} uses service "${name}", which no plugin provides` +
          (known.length > 0 ? ` (provided: ${known.join(', ')})` : ''),
        plugin: consumer,
      });
    }
    return entry.value;
  }

  providers(): { name: string; plugin: string }[] {
    return [...this.#services].map(([name, { plugin }]) => ({ name, plugin }));
  }
}
