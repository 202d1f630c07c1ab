/**
 * The `ownership` service: work that must run on one gateway instance at a time (a Telegram bot's
 * long poll, an IRC connection, the cron scheduler, scheduled backups) is held as a named
 * resource. `hold(resource, { onAcquire, onLose })` calls onAcquire when this instance becomes
 * the owner and onLose when it stops being it (lease lost, or released on close).
 *
 * Without a cluster plugin (one process, the default) `localOwnership()` applies: this instance
 * owns every resource at once, onAcquire runs immediately and nothing else changes. With
 * `cluster-redis` each resource is a renewed Redis lease: at most one owner, and a dead owner's
 * lease expires so another instance takes over.
 */
import { createServiceRef, type PluginContext } from '../core/index.ts';

export interface OwnershipHandlers {
  /** This instance now owns the resource: start the work. A throw is logged; the lease stays held. */
  onAcquire(): Promise<void>;
  /** This instance no longer owns it (or is closing): stop the work. */
  onLose(): Promise<void>;
}

export interface OwnershipHold {
  /** True while this instance owns the resource. */
  owned(): boolean;
  /** Stops holding: calls onLose if owned, then frees the resource for another instance. */
  release(): Promise<void>;
}

export interface ResourceStatus {
  resource: string;
  /** Instance id of the owner, undefined when nobody holds it. */
  owner?: string;
  /** Milliseconds until the owner's lease expires (undefined in one process). */
  expiresInMs?: number;
}

export interface OwnershipService {
  /** This instance's id (`<hostname>:<pid>:<random>` with cluster-redis, `local` without). */
  readonly instance: string;
  readonly clustered: boolean;
  /** Resolves after the first attempt (and its onAcquire when it succeeded); keeps trying while not owned. */
  hold(resource: string, handlers: OwnershipHandlers): Promise<OwnershipHold>;
  /** Resources this instance holds or waits for, with their current owner (cluster-wide view). */
  status(): Promise<ResourceStatus[]>;
}

/** One process: this instance owns everything, immediately. */
export function localOwnership(onError: (error: unknown, resource: string) => void = () => undefined): OwnershipService {
  const held = new Set<string>();
  return {
    instance: 'local',
    clustered: false,
    async hold(resource, handlers) {
      let owned = true;
      held.add(resource);
      const acquired = handlers.onAcquire().catch((error: unknown) => onError(error, resource));
      await acquired;
      return {
        owned: () => owned,
        async release() {
          if (!owned) return;
          owned = false;
          held.delete(resource);
          await acquired;
          await handlers.onLose();
        },
      };
    },
    async status() {
      return [...held].map((resource) => ({ resource, owner: 'local' }));
    },
  };
}

/** The ownership service (service id "ownership"); a cluster plugin such as `cluster-redis` provides it. */
export const ownershipServiceRef = createServiceRef<OwnershipService>({
  id: 'ownership',
  description: 'Which gateway instance runs each single-owner resource (plugin "cluster-redis"; one process owns all)',
});

/**
 * The `ownership` service when a cluster plugin provides one, else one-process ownership. Declare
 * `consumes: [optionalService(ownershipServiceRef)]` so a cluster plugin is set up first.
 */
export function useOwnership(ctx: Pick<PluginContext, 'useOptional' | 'log'>): OwnershipService {
  return ctx.useOptional(ownershipServiceRef)
    ?? localOwnership((error, resource) => ctx.log.error({ err: error, resource }, 'starting owned work failed'));
}
