/**
 * One tier of the cache: a store plus what makes it safe to call from a hot path. Keyv
 * swallows store errors once an `error` listener is attached (a failed read looks like a
 * miss), and without a listener an error outside any call (a dropped Redis connection)
 * crashes the process. So every Keyv gets a listener, and each operation compares the
 * tier's error sequence before and after: an error during the call means its answer is not
 * trusted (a failed read is a miss, never a hit) and the tier becomes `degraded`.
 */
import type { Keyv } from 'keyv';
import type { Alert } from '../../sdk/core/index.ts';
import type { CacheEntry, CacheStore } from '../../sdk/cache/index.ts';
import { TierHealth, type CacheLog } from './tier-health.ts';
import { TierMetrics } from './tier-metrics.ts';

const FAILED: unique symbol = Symbol('failed');
type Outcome<T> = T | typeof FAILED;

/** Where probes read when the store has no `ping()`; plugin names (the usual namespaces) cannot start with `_`. */
const PROBE_NAMESPACE = '__cache-probe';

export interface TierOptions {
  name: string;
  store: CacheStore;
  /** The plugin that registered the store. */
  plugin: string;
  probeIntervalMs: number;
  alertWindowMs: number;
  alert(alert: Alert): void;
  log: CacheLog;
}

export class Tier {
  readonly name: string;
  readonly plugin: string;
  readonly store: CacheStore;
  readonly metrics = new TierMetrics();
  readonly health: TierHealth;
  readonly #timeoutMs: number;
  readonly #keyvs = new Map<string, Keyv>();
  #errorSeq = 0;
  #lastErrorObject: object | undefined;

  constructor(options: TierOptions) {
    this.name = options.name;
    this.plugin = options.plugin;
    this.store = options.store;
    this.#timeoutMs = options.store.timeoutMs;
    this.health = new TierHealth({
      tier: options.name,
      probeIntervalMs: options.probeIntervalMs,
      alertWindowMs: options.alertWindowMs,
      secrets: options.store.secrets ?? [],
      probe: () => this.#probe(),
      alert: options.alert,
      log: options.log,
    });
  }

  /** The Keyv for `namespace`, created once with the tier's error listener attached. */
  keyv(namespace: string): Keyv {
    let keyv = this.#keyvs.get(namespace);
    if (!keyv) {
      keyv = this.store.keyv(namespace);
      keyv.on('error', this.#onError);
      this.#keyvs.set(namespace, keyv);
    }
    return keyv;
  }

  async get(keyv: Keyv, key: string): Promise<CacheEntry | undefined> {
    if (this.health.degraded) {
      this.metrics.skipped++;
      return undefined;
    }
    const seq = this.#errorSeq;
    const started = performance.now();
    let raw: unknown;
    if (this.#timeoutMs > 0) {
      raw = await this.#run(() => keyv.getRaw(key), 'read');
    } else {
      // The hot path of the memory tier: no closure, no extra async frame.
      try {
        raw = await keyv.getRaw(key);
      } catch (error) {
        this.#onError(error);
        return undefined;
      }
    }
    if (raw === FAILED || seq !== this.#errorSeq) return undefined;
    this.metrics.recordRead(performance.now() - started);
    if (raw === undefined || raw === null || typeof raw !== 'object') {
      this.metrics.misses++;
      return undefined;
    }
    this.metrics.hits++;
    return raw as CacheEntry;
  }

  /** A read at once (the store's `getNow`): the live entry, null on a miss, undefined when this tier cannot answer so. */
  getNow(namespace: string, key: string): CacheEntry | null | undefined {
    const getNow = this.store.getNow;
    if (getNow === undefined || this.health.degraded) return undefined;
    const started = performance.now();
    let entry: CacheEntry | undefined;
    try {
      entry = getNow.call(this.store, namespace, key);
    } catch (error) {
      this.#onError(error);
      return undefined;
    }
    this.metrics.recordRead(performance.now() - started);
    if (entry === undefined || entry === null || typeof entry !== 'object' || (entry.expires !== undefined && entry.expires <= Date.now())) {
      this.metrics.misses++;
      return null;
    }
    this.metrics.hits++;
    return entry;
  }

  async set(keyv: Keyv, key: string, entry: CacheEntry): Promise<void> {
    if (this.health.degraded) {
      this.metrics.skipped++;
      return;
    }
    const seq = this.#errorSeq;
    const stored = await this.#run(() => keyv.setRaw(key, entry), 'write');
    if (stored === true && seq === this.#errorSeq) this.metrics.sets++;
  }

  async delete(keyv: Keyv, key: string): Promise<void> {
    if (this.health.degraded) {
      this.metrics.skipped++;
      return;
    }
    const done = await this.#run(() => keyv.delete(key), 'delete');
    if (done !== FAILED) this.metrics.deletes++;
  }

  async clear(keyv: Keyv): Promise<void> {
    if (this.health.degraded) {
      this.metrics.skipped++;
      return;
    }
    await this.#run(() => keyv.clear(), 'clear');
  }

  /** A first look at a store that can be pinged, so a backend down at start shows as degraded at once. */
  async check(): Promise<void> {
    const ping = this.store.ping?.bind(this.store);
    if (!ping) return;
    try {
      await (this.#timeoutMs > 0 ? rejectAfter(ping(), this.#timeoutMs) : ping());
    } catch (error) {
      this.#onFailure(error);
    }
  }

  async close(): Promise<void> {
    this.health.close();
    await this.store.close();
  }

  /** Runs one store call: never rejects, never outlives the tier's timeout. */
  #run<T>(call: () => Promise<T>, operation: string): Promise<Outcome<T>> {
    if (this.#timeoutMs <= 0) return this.#settle(call);
    return new Promise<Outcome<T>>((resolve) => {
      const timer = setTimeout(() => {
        this.metrics.timeouts++;
        this.#onFailure(new Error(`${operation} timed out after ${this.#timeoutMs} ms`));
        resolve(FAILED);
      }, this.#timeoutMs);
      this.#settle(call).then((outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      });
    });
  }

  async #settle<T>(call: () => Promise<T>): Promise<Outcome<T>> {
    try {
      return await call();
    } catch (error) {
      // Keyv with a listener does not reject; a store or hook that throws anyway is a failure too.
      this.#onError(error);
      return FAILED;
    }
  }

  readonly #onError = (error: unknown): void => {
    this.#errorSeq++;
    // Namespaces share one connection, so one client error reaches every namespace's Keyv: count it once.
    if (typeof error === 'object' && error !== null) {
      if (error === this.#lastErrorObject) return;
      this.#lastErrorObject = error;
    }
    this.#onFailure(error);
  };

  #onFailure(error: unknown): void {
    this.metrics.errors++;
    this.health.fail(error);
  }

  async #probe(): Promise<boolean> {
    const seq = this.#errorSeq;
    const ping = this.store.ping?.bind(this.store);
    const probe = ping ? () => ping() : () => this.keyv(PROBE_NAMESPACE).getRaw('probe');
    const outcome = this.#timeoutMs > 0 ? await raceQuietly(this.#settleQuietly(probe), this.#timeoutMs) : await this.#settleQuietly(probe);
    return outcome !== FAILED && seq === this.#errorSeq;
  }

  /** Probe failures while degraded are expected: they keep the tier degraded without counting as errors. */
  async #settleQuietly<T>(call: () => Promise<T>): Promise<Outcome<T>> {
    try {
      return await call();
    } catch {
      return FAILED;
    }
  }
}

function raceQuietly<T>(work: Promise<Outcome<T>>, ms: number): Promise<Outcome<T>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(FAILED), ms);
    void work.then((outcome) => {
      clearTimeout(timer);
      resolve(outcome);
    });
  });
}

function rejectAfter<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    work.then((value) => {
      clearTimeout(timer);
      resolve(value);
    }, (error: unknown) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
