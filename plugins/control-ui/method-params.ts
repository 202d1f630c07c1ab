/**
 * Params of the control UI's config methods (config-rpc.ts), precompiled by
 * `npm run build:schemas` into schemas/generated/control-ui.method-params.validate.ts (a request to
 * `config.get` loads no ajv). Only JSON Schemas are exported: the build script imports this
 * module and makes a validator of every export.
 */

/** config.get */
export const NO_PARAMS = { type: 'object', additionalProperties: false, properties: {} };

export const CONFIG_VALIDATE = {
  type: 'object',
  additionalProperties: false,
  required: ['config'],
  properties: { config: { type: 'object', description: 'The config to check, as in clawdbot.json.' } },
};
