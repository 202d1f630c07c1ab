/**
 * `backup`: archives of config, workspace and sessions (plus what plugins add through the
 * `backupSources` hook) as `.tar.gz` with a sha256 manifest; `moltbot backup …` commands, the
 * `backup` service, and an optional schedule inside the running gateway.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import schema from '../../schemas/plugins/backup.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/backup.validate.ts';
import { expandHome, createServiceRef } from '../../sdk/core/index.ts';
import type { BackupSource } from '../../sdk/core/index.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { KERNEL_VERSION } from '../../sdk/core/index.ts';
import { registerBackupCommands } from './cli.ts';
import { defineBackupMethods } from './rpc.ts';
import { DEFAULT_LIMITS, type ArchiveLimits } from './limits.ts';
import { DEFAULT_RETENTION, type Retention } from './retention.ts';
import { useOwnership } from '../../sdk/cluster/index.ts';
import { parseSchedule, startSchedule } from './schedule.ts';
import { createBackupService, type BackupService } from './service.ts';

/** Create, list and restore backups of the state directory. */
export const backupServiceRef = createServiceRef<BackupService>({ id: 'backup', description: 'Create, list and restore backups of the state directory' });

export type { BackupService, RestoreReport } from './service.ts';
export type { BackupInfo } from './archive-dir.ts';
export type { CreateResult } from './create.ts';
export type { VerifyReport } from './verify.ts';
export type { ArchiveLimits } from './limits.ts';

export interface BackupOptions {
  limits: ArchiveLimits;
}

/** The sources every backup holds before plugins add theirs. */
export function defaultSources(paths: { stateDir: string; workspace: string; configFile?: string }): BackupSource[] {
  const sources: BackupSource[] = [
    { name: 'config', path: join(paths.stateDir, 'clawdbot.json'), plugin: 'backup' },
    { name: 'workspace', path: paths.workspace, plugin: 'backup' },
    { name: 'sessions', path: join(paths.stateDir, 'state', 'agents'), plugin: 'backup' },
  ];
  if (paths.configFile !== undefined && paths.configFile !== sources[0]!.path) {
    sources.splice(1, 0, { name: 'config-file', path: paths.configFile, plugin: 'backup' });
  }
  return sources;
}

export default definePlugin<BackupOptions>({
  name: 'backup',
  version: '1.0.0',
  provides: [backupServiceRef],
  kernel: '^1.0.0',
  description: 'Backups of config, workspace and sessions: create, list, verify, restore, prune, schedule',
  sections: ['backup'],
  schema,
  validate: validateOptions,
  defaults: { limits: { ...DEFAULT_LIMITS } },
  // cluster-redis (when declared) provides the ownership service the schedule runs under.
  optionalDependencies: ['cluster-redis'],
  setup(ctx, options) {
    const config = (ctx.config.backup ?? {}) as { dir?: string; retention?: Partial<Retention>; schedule?: string };
    const retention: Retention = { ...DEFAULT_RETENTION, ...config.retention };
    const service = createBackupService({
      dir: config.dir !== undefined ? expandHome(config.dir, homedir()) : join(ctx.paths.stateDir, 'backups'),
      retention,
      limits: { ...DEFAULT_LIMITS, ...options.limits },
      version: KERNEL_VERSION,
      cwd: ctx.paths.cwd,
      stateDir: ctx.paths.stateDir,
      sources: () => ctx.hooks.backupSources.call(defaultSources(ctx.paths)),
    });
    ctx.provide(backupServiceRef, service);
    defineBackupMethods(ctx, service);
    ctx.hooks.cliCommands.tap('backup', (program, cli) => registerBackupCommands(program, cli, service));

    const intervalMs = parseSchedule(config.schedule ?? 'off');
    if (intervalMs === undefined) return;
    // In a cluster only the owner of `backup-schedule` runs it (takeover when it dies).
    ctx.hooks.start.tapPromise('backup', async () => {
      let scheduler: { stop(): void } | undefined;
      const hold = await useOwnership(ctx).hold('backup-schedule', {
        onAcquire: async () => {
          scheduler = start();
        },
        onLose: async () => {
          scheduler?.stop();
          scheduler = undefined;
        },
      });
      ctx.onClose(() => hold.release());
    });
    const start = () =>
      startSchedule({
        intervalMs,
        run: () => ctx.track((async () => {
          const result = await service.create();
          await service.prune();
          ctx.log.info({ archive: result.path, files: result.files, bytes: result.size }, 'scheduled backup created');
        })()),
        alert: async (alert) => {
          if (alert.state === 'firing') ctx.log.error({ alert: alert.id, ...alert.data }, alert.message);
          await ctx.hooks.alert.promise(alert);
        },
      });
  },
});
