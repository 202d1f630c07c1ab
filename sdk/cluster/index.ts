/**
 * `moltbot/plugin-sdk/cluster`: running one gateway or several behind a load balancer with the
 * same plugins. Work that must run on one instance at a time (a bot's long poll, the cron
 * scheduler, scheduled backups) is held through the ownership service (`useOwnership(ctx)`:
 * a cluster plugin's leases, else this process owns everything); cron's jobs live in a
 * `cron-store` a cluster plugin can share. A cluster plugin provides both refs.
 */
export { localOwnership, ownershipServiceRef, useOwnership } from './ownership.ts';
export type { OwnershipHandlers, OwnershipHold, OwnershipService, ResourceStatus } from './ownership.ts';
export { cronStoreServiceRef } from './cron-store.ts';
export type { CronFile, CronStore, JobState, RunStatus, StoredJob } from './cron-store.ts';
