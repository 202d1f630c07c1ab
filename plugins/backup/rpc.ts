/**
 * Backups over the gateway (admin scope): `backups.list`, `backups.create`, `backups.verify`.
 * Archives are named, never given as paths: verify only reads archives in the backup folder.
 * Restore and prune stay on the CLI, where the operator sees what is replaced.
 */
import type { PluginContext } from '../../sdk/core/index.ts';
import { defineMethod } from '../../sdk/gateway/index.ts';
import type { BackupInfo } from './archive-dir.ts';
import type { BackupService } from './service.ts';
import * as validators from '../../schemas/generated/backup.method-params.validate.ts';
import { BACKUPS_VERIFY, NO_PARAMS } from './method-params.ts';

const shown = (info: BackupInfo) => ({ name: info.name, size: info.size, created: info.created.toISOString() });

export function defineBackupMethods(ctx: Pick<PluginContext, 'name' | 'hooks'>, service: BackupService): void {
  defineMethod(ctx, {
    name: 'backups.list',
    scope: 'admin',
    description: 'Archives in the backup folder, newest first',
    params: NO_PARAMS,
    validate: validators.NO_PARAMS,
    handler: async () => ({ dir: service.dir, backups: (await service.list()).map(shown) }),
  });
  defineMethod(ctx, {
    name: 'backups.create',
    scope: 'admin',
    description: 'Creates an archive of config, workspace, sessions and plugin sources now',
    params: NO_PARAMS,
    validate: validators.NO_PARAMS,
    handler: async () => {
      const result = await service.create();
      return { ...shown(result), files: result.files, bytes: result.bytes, skipped: result.skipped };
    },
  });
  defineMethod<{ name: string }>(ctx, {
    name: 'backups.verify',
    scope: 'admin',
    sideEffects: false,
    description: 'Checks an archive of the backup folder against its manifest (sha256 of every file)',
    params: BACKUPS_VERIFY,
    validate: validators.BACKUPS_VERIFY,
    handler: async (params) => {
      const report = await service.verify(params.name);
      return { name: params.name, ok: report.ok, problems: report.problems, warnings: report.warnings, files: report.files };
    },
  });
}
