/**
 * Params of the backup plugin's methods (rpc.ts), precompiled by `npm run build:schemas` into
 * schemas/generated/backup.method-params.validate.ts (a request to `backups.list` loads no ajv).
 * Only JSON Schemas are exported: the build script imports this module and makes a validator of
 * every export.
 */

/** backups.list, backups.create */
export const NO_PARAMS = { type: 'object', additionalProperties: false, properties: {} };

export const BACKUPS_VERIFY = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', pattern: '^[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}$', description: 'Archive file name as backups.list shows it (no path).' } },
};
