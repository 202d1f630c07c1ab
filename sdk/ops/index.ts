/**
 * `moltbot/plugin-sdk/ops`: the operational services of a running gateway, by ref — measured
 * metrics (`metricsServiceRef`), resource leases (`resourcesServiceRef`) and the user-service
 * installer (`daemonServiceRef`) — and the host measurements they are built on (CPU ticks,
 * memory, disk, network, event-loop delay), so a plugin reads the same figures doctor and
 * `/metrics` show instead of measuring again.
 */
import { createServiceRef } from '../core/index.ts';
import type { DaemonService } from './daemon.ts';
import type { MetricsService } from './metrics.ts';
import type { ResourcesService } from './resources.ts';

export type { AgentFigures, MetricsService, MetricsSnapshot, PluginFigure } from './metrics.ts';
export { diskShare, eventLoopDelayMs, hostTicks, LOOP_RESOLUTION_MS, readDisk, readNetworkCounters, SystemSampler } from './system.ts';
export type { DelayHistogram, SystemFigures } from './system.ts';
export { ResourceRefused } from './resources.ts';
export type { Lease, RefusalReason, ResourceReadings, ResourceRequirements, ResourcesService, ResourceStatus, ResourceType } from './resources.ts';
export { spawnRunner } from './daemon.ts';
export type { CommandResult, CommandRunner, DaemonService, DaemonStatus } from './daemon.ts';

/** Measured figures and Prometheus text (service id "metrics", plugin `metrics`; not provided when metrics.enabled is false, so use it as optionalService). */
export const metricsServiceRef = createServiceRef<MetricsService>({
  id: 'metrics',
  description: 'Gateway, agent, host and plugin figures; Prometheus exposition (plugin "metrics")',
});

/** Resource leases under per-type limits (service id "resources", plugin `resources`). */
export const resourcesServiceRef = createServiceRef<ResourcesService>({
  id: 'resources',
  description: 'Leases per resource type under limits, refused on low memory or busy CPU (plugin "resources")',
});

/** The gateway as a user service: install, status, uninstall (service id "daemon", plugin `daemon`). */
export const daemonServiceRef = createServiceRef<DaemonService>({
  id: 'daemon',
  description: 'Installs the gateway as a systemd user unit or launchd agent (plugin "daemon")',
});

