/**
 * Params of the usage plugin's method (rpc.ts), precompiled by `npm run build:schemas` into
 * schemas/generated/usage.method-params.validate.ts (a request to `usage.summary` loads no ajv).
 * Only JSON Schemas are exported: the build script imports this module and makes a validator of
 * every export.
 */
import { USAGE_GROUPS } from '../../sdk/usage/index.ts';

export const USAGE_SUMMARY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    by: { enum: [...USAGE_GROUPS], description: 'Grouping (default model); days are UTC.' },
    since: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})?)?$', description: 'Only calls from this date (YYYY-MM-DD, UTC) or ISO timestamp on.' },
  },
} as const;
