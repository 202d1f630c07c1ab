/** Test kit for the cache: tiers built from real stores, outside a kernel, closed after the test. */
import { Keyv, KeyvMemoryAdapter } from 'keyv';
import { onTestFinished } from 'vitest';
import type { Alert } from '../../../core/hook-types.ts';
import { TieredCache } from '../../../plugins/cache/tiered-cache.ts';
import type { CacheStore } from '../../../sdk/cache/store-contract.ts';
import type { CacheLog } from '../../../plugins/cache/tier-health.ts';
import { Tier } from '../../../plugins/cache/tier.ts';

export interface LogLine {
  level: 'warn' | 'info';
  message: string;
  fields: object;
}

export interface Standalone {
  cache: TieredCache;
  tiers: Tier[];
  alerts: Alert[];
  logs: LogLine[];
}

export interface StandaloneOptions {
  defaultTtlMs?: number;
  probeIntervalMs?: number;
  alertWindowMs?: number;
}

export async function standaloneCache(stores: [string, CacheStore][], options: StandaloneOptions = {}): Promise<Standalone> {
  const alerts: Alert[] = [];
  const logs: LogLine[] = [];
  const log: CacheLog = {
    warn: (fields, message) => logs.push({ level: 'warn', message, fields }),
    info: (fields, message) => logs.push({ level: 'info', message, fields }),
  };
  const tiers = stores.map(([name, store]) => new Tier({
    name, store, plugin: `cache-${name}`,
    probeIntervalMs: options.probeIntervalMs ?? 50,
    alertWindowMs: options.alertWindowMs ?? 60_000,
    alert: (alert) => alerts.push(alert),
    log,
  }));
  for (const tier of tiers) await tier.check();
  const cache = new TieredCache({ defaultTtlMs: options.defaultTtlMs ?? 60_000 });
  cache.attach(tiers);
  onTestFinished(() => cache.close());
  return { cache, tiers, alerts, logs };
}

export type FlakyMode = 'ok' | 'fail' | 'hang';

/** A Map-backed store whose operations can be made to fail or to hang, like a backend in trouble. */
export interface FlakyStore extends CacheStore {
  mode: FlakyMode;
  /** Calls that reached the backend. */
  calls: number;
  /** An error outside any call (a dropped connection). */
  emitError(error: Error): void;
}

class FlakyAdapter extends KeyvMemoryAdapter {
  readonly #store: { mode: FlakyMode; calls: number };
  readonly #hanging: (() => void)[];

  constructor(map: Map<string, unknown>, store: { mode: FlakyMode; calls: number }, hanging: (() => void)[]) {
    super(map);
    this.#store = store;
    this.#hanging = hanging;
  }

  async #gate(): Promise<void> {
    this.#store.calls++;
    if (this.#store.mode === 'fail') throw new Error('backend unavailable');
    if (this.#store.mode === 'hang') await new Promise<void>((resolve) => this.#hanging.push(resolve));
  }

  override async get<T>(key: string) {
    await this.#gate();
    return super.get<T>(key);
  }

  override async set(key: string, value: unknown, expires?: number) {
    await this.#gate();
    return super.set(key, value, expires);
  }

  override async delete(key: string) {
    await this.#gate();
    return super.delete(key);
  }

  override async clear() {
    await this.#gate();
    return super.clear();
  }
}

export function flakyStore(options: { timeoutMs?: number; secrets?: string[] } = {}): FlakyStore {
  const map = new Map<string, unknown>();
  const hanging: (() => void)[] = [];
  const adapters: FlakyAdapter[] = [];
  const store: FlakyStore = {
    mode: 'ok',
    calls: 0,
    timeoutMs: options.timeoutMs ?? 0,
    ...(options.secrets ? { secrets: options.secrets } : {}),
    keyv: (namespace) => {
      const adapter = new FlakyAdapter(map, store, hanging);
      adapters.push(adapter);
      return new Keyv({ store: adapter, serialization: false, namespace });
    },
    emitError: (error) => {
      for (const adapter of adapters) adapter.emit('error', error);
    },
    close: async () => {
      for (const release of hanging.splice(0)) release();
    },
  };
  onTestFinished(() => {
    for (const release of hanging.splice(0)) release();
  });
  return store;
}
