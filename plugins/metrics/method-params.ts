/**
 * Params of the metrics plugin's methods (index.ts, subscribe.ts), precompiled by
 * `npm run build:schemas` into schemas/generated/metrics.method-params.validate.ts (a request to
 * `metrics` or `metrics.subscribe` loads no ajv). Only JSON Schemas are exported: the build script
 * imports this module and makes a validator of every export.
 */

/** metrics, metrics.unsubscribe */
export const NO_PARAMS = { type: 'object', additionalProperties: false, properties: {} };

export const METRICS_SUBSCRIBE = {
  type: 'object',
  additionalProperties: false,
  properties: { intervalMs: { type: 'integer', minimum: 500, maximum: 60_000, description: 'Milliseconds between two ticks.' } },
};
