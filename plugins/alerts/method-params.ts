/**
 * Params of the alerts plugin's method (rpc.ts), precompiled by `npm run build:schemas` into
 * schemas/generated/alerts.method-params.validate.ts (a request to `alerts.list` loads no ajv).
 * Only JSON Schemas are exported: the build script imports this module and makes a validator of
 * every export (rpc.ts reads RECENT_ALERTS back as ALERTS_LIST's limit maximum).
 */

/** Alert events kept in memory, and the most `alerts.list` returns. */
const RECENT_ALERTS = 100;

export const ALERTS_LIST = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: RECENT_ALERTS, description: 'How many recent events to return.' } },
};
