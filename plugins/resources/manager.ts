/**
 * The deployment guide's ResourceManager, measured: leases per resource type under per-type
 * limits, refused when the host lacks the memory or CPU a request asks for, and shed while the
 * process is past `agents.memoryLimit`. `run()` holds a lease for exactly the life of a task,
 * so a task that ends or throws always gives its slot back; leases older than `maxLeaseMs` are
 * reclaimed (and logged) by `sweep()` in case a caller forgot `release()`.
 */
import type { Logger } from '../../sdk/core/index.ts';
import { ResourceRefused, type Lease, type ResourceRequirements, type ResourceStatus, type ResourceType } from '../../sdk/ops/index.ts';
import type { Probe, Readings } from './probe.ts';

export interface ManagerSettings {
  limits: Record<string, number>;
  /** Process RSS in MB past which new leases are refused (agents.memoryLimit). */
  memoryLimitMb: number;
  /** Heap MB above which global.gc() runs before deciding, when node runs with --expose-gc. */
  gcThresholdMb?: number;
  maxLeaseMs: number;
}


const GC_MIN_INTERVAL_MS = 10_000;

export class ResourceManager {
  readonly #settings: ManagerSettings;
  readonly #probe: Probe;
  readonly #log: Logger;
  readonly #leases = new Map<string, { type: ResourceType; acquiredAt: number }>();
  #lastGc = 0;

  constructor(settings: ManagerSettings, probe: Probe, log: Logger) {
    this.#settings = settings;
    this.#probe = probe;
    this.#log = log;
  }

  /** A lease, or a ResourceRefused error saying which limit stopped it. */
  acquire(type: ResourceType, id: string, requirements: ResourceRequirements = {}): Lease {
    const key = `${type}:${id}`;
    if (this.#leases.has(key)) throw new ResourceRefused('DUPLICATE_ID', type, `resource ${type} "${id}" is already held; release it first or use another id`);
    const limit = this.#settings.limits[type];
    const active = this.#count(type);
    if (limit !== undefined && active >= limit) {
      throw new ResourceRefused('LIMIT', type, `${active} of ${limit} ${type} slots in use; try again when one is released (limit: ${limitKey(type)})`);
    }
    const readings = this.#readings();
    if (readings.rssMb > this.#settings.memoryLimitMb) {
      throw new ResourceRefused('MEMORY_LIMIT', type, `shedding load: the process uses ${Math.round(readings.rssMb)} MB, over agents.memoryLimit ${this.#settings.memoryLimitMb} MB; new ${type} work is refused until memory drops`);
    }
    if (requirements.memoryMb !== undefined && readings.freeMb < requirements.memoryMb) {
      throw new ResourceRefused('INSUFFICIENT_MEMORY', type, `${type} "${id}" needs ${requirements.memoryMb} MB free memory; the host has ${Math.round(readings.freeMb)} MB`);
    }
    if (requirements.cpu !== undefined && readings.cpu > 1 - requirements.cpu) {
      throw new ResourceRefused('CPU_BUSY', type, `${type} "${id}" needs ${Math.round(requirements.cpu * 100)}% of the CPU idle; the host is ${Math.round(readings.cpu * 100)}% busy`);
    }
    const acquiredAt = Date.now();
    this.#leases.set(key, { type, acquiredAt });
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const current = this.#leases.get(key);
      if (current?.acquiredAt === acquiredAt) this.#leases.delete(key);
    };
    return { id, type, acquiredAt, release, [Symbol.dispose]: release };
  }

  /** Runs `task` holding a lease; the lease is released when it settles, success or failure. */
  async run<T>(type: ResourceType, id: string, requirements: ResourceRequirements, task: () => Promise<T> | T): Promise<T> {
    const lease = this.acquire(type, id, requirements);
    try {
      return await task();
    } finally {
      lease.release();
    }
  }

  /** Reclaims leases held longer than `maxLeaseMs`; returns how many. */
  sweep(now = Date.now()): number {
    let reclaimed = 0;
    for (const [key, lease] of this.#leases) {
      if (now - lease.acquiredAt <= this.#settings.maxLeaseMs) continue;
      this.#leases.delete(key);
      reclaimed++;
      this.#log.warn({ lease: key, heldMs: now - lease.acquiredAt }, 'reclaimed a resource lease held past maxLeaseMs (a caller did not release it)');
    }
    return reclaimed;
  }

  status(): ResourceStatus {
    const active: Record<string, number> = {};
    for (const lease of this.#leases.values()) active[lease.type] = (active[lease.type] ?? 0) + 1;
    const readings = this.#probe.read();
    return { active, limits: { ...this.#settings.limits }, readings, memoryLimitMb: this.#settings.memoryLimitMb, shedding: readings.rssMb > this.#settings.memoryLimitMb };
  }

  #count(type: ResourceType): number {
    let count = 0;
    for (const lease of this.#leases.values()) if (lease.type === type) count++;
    return count;
  }

  /** Readings after a collection when the heap is past gcThreshold and gc is exposed (--expose-gc). */
  #readings(): Readings {
    const readings = this.#probe.read();
    const gc = (globalThis as { gc?: () => void }).gc;
    const threshold = this.#settings.gcThresholdMb;
    if (typeof gc === 'function' && threshold !== undefined && readings.heapUsedMb > threshold && Date.now() - this.#lastGc >= GC_MIN_INTERVAL_MS) {
      this.#lastGc = Date.now();
      gc();
      return this.#probe.read();
    }
    return readings;
  }
}

function limitKey(type: ResourceType): string {
  if (type === 'agent') return 'agents.maxConcurrentRuns';
  if (type === 'exec') return 'tools.exec.maxProcesses';
  if (type === 'browser') return 'tools.browser.maxInstances';
  return `resources plugin option limits.${type}`;
}
