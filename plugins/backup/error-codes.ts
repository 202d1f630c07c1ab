/** The error codes the backup plugin raises (docs/errors.md lists every code). */
import { defineErrors } from '../../sdk/core/index.ts';

export const backupErrors = defineErrors('backup', {
  MOLT_ERR_BACKUP_EXISTS: {
    title: 'The backup archive already exists',
    fix: 'Backups never overwrite: pick another output path or remove the old archive first.',
  },
  MOLT_ERR_BACKUP_SOURCE: {
    title: 'A backup source cannot be archived',
    fix: 'Move backup.dir out of the backed-up folders, or stop the writer that keeps changing the file.',
  },
  MOLT_ERR_BACKUP_INVALID: {
    title: 'The archive is damaged or unsafe',
    fix: 'Use another backup (`moltbot backup list`); nothing was written to live state.',
  },
  MOLT_ERR_BACKUP_TARGET: {
    title: 'Restore target refused',
    fix: 'Restore into a new or empty folder outside the state dir (`--to <dir>`), or use `--in-place`.',
  },
});
