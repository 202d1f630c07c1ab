/** Backup failures: MoltbotErrors with the MOLT_ERR_BACKUP_* codes this plugin defines (error-codes.ts). */
import { MoltbotError, type ErrorDetails } from '../../sdk/core/index.ts';
import { backupErrors } from './error-codes.ts';

export type BackupErrorCode = (typeof backupErrors)[keyof typeof backupErrors];

export class BackupError extends MoltbotError {
  constructor(code: BackupErrorCode, details: ErrorDetails & { message: string }) {
    super(code, { plugin: 'backup', ...details });
  }
}
