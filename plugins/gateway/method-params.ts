/**
 * Params of the gateway's own methods, precompiled by `npm run build:schemas` into
 * schemas/generated/gateway.method-params.validate.ts (a request to `ping` loads no ajv).
 */
export const NO_PARAMS = { type: 'object', additionalProperties: false, properties: {}, description: 'No parameters.' };
