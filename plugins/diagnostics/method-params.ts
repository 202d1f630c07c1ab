/**
 * Params of the diagnostics plugin's method (index.ts), precompiled by `npm run build:schemas`
 * into schemas/generated/diagnostics.method-params.validate.ts (a request to `diagnostics.report`
 * loads no ajv). Only JSON Schemas are exported: the build script imports this module and makes a
 * validator of every export.
 */

/** diagnostics.report */
export const NO_PARAMS = { type: 'object', additionalProperties: false, properties: {} };
