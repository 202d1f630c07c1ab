/**
 * The `resources` service (plugin `resources`): leases per resource type under per-type limits,
 * refused when the host lacks the memory or CPU a request asks for, and shed while the process
 * is past `agents.memoryLimit`.
 */

export interface ResourceReadings {
  rssMb: number;
  heapUsedMb: number;
  freeMb: number;
  /** Busy share of every host core over the last sample span (0..1). */
  cpu: number;
}

export type ResourceType = 'agent' | 'exec' | 'browser' | (string & {});

export interface ResourceRequirements {
  /** MB of free host memory the task needs. */
  memoryMb?: number;
  /** Share of the host's CPU (0..1) the task needs idle. */
  cpu?: number;
}

export interface Lease {
  readonly id: string;
  readonly type: ResourceType;
  readonly acquiredAt: number;
  /** Idempotent. */
  release(): void;
  [Symbol.dispose](): void;
}

export type RefusalReason = 'LIMIT' | 'MEMORY_LIMIT' | 'INSUFFICIENT_MEMORY' | 'CPU_BUSY' | 'DUPLICATE_ID';

/** Why a lease was refused; `reason` is stable for callers to branch on. */
export class ResourceRefused extends Error {
  readonly reason: RefusalReason;
  readonly type: ResourceType;
  constructor(reason: RefusalReason, type: ResourceType, message: string) {
    super(message);
    this.name = 'ResourceRefused';
    this.reason = reason;
    this.type = type;
  }
}

export interface ResourceStatus {
  active: Record<string, number>;
  limits: Record<string, number>;
  readings: ResourceReadings;
  memoryLimitMb: number;
  shedding: boolean;
}

export interface ResourcesService {
  /** A lease now, or ResourceRefused (with a stable `reason`). */
  acquire(type: ResourceType, id: string, requirements?: ResourceRequirements): Lease;
  /** Holds a lease for exactly the life of `task`. */
  run<T>(type: ResourceType, id: string, requirements: ResourceRequirements, task: () => Promise<T> | T): Promise<T>;
  /** Reclaims leases older than `maxLeaseMs`; returns how many. */
  sweep(now?: number): number;
  status(): ResourceStatus;
}
