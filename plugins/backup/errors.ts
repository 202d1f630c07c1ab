/** Backup failures: MoltbotErrors with the MOLT_ERR_BACKUP_* codes of the catalogue. */
import { MoltbotError, type ErrorDetails } from '../../sdk/core/index.ts';

export type BackupErrorCode = 'MOLT_ERR_BACKUP_EXISTS' | 'MOLT_ERR_BACKUP_SOURCE' | 'MOLT_ERR_BACKUP_INVALID' | 'MOLT_ERR_BACKUP_TARGET';

export class BackupError extends MoltbotError {
  constructor(code: BackupErrorCode, details: ErrorDetails & { message: string }) {
    super(code, { plugin: 'backup', ...details });
  }
}
