/**
 * Params of the cluster-redis plugin's method (index.ts), precompiled by `npm run build:schemas`
 * into schemas/generated/cluster-redis.method-params.validate.ts (a request to `cluster.status`
 * loads no ajv). Only JSON Schemas are exported: the build script imports this module and makes a
 * validator of every export.
 */

/** cluster.status */
export const NO_PARAMS = { type: 'object', additionalProperties: false, properties: {} };
