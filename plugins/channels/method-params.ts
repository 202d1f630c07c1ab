/**
 * Params of the channels plugin's methods (rpc.ts), precompiled by `npm run build:schemas` into
 * schemas/generated/channels.method-params.validate.ts (a request to `channels.status` loads no
 * ajv). Only JSON Schemas are exported: the build script imports this module and makes a
 * validator of every export.
 */

const CHANNEL = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', description: 'Channel id (telegram, irc, ...)' };
const CODE = { type: 'string', minLength: 4, maxLength: 32, description: 'The pairing code the sender received' };

/** channels.status */
export const NO_PARAMS = { type: 'object', additionalProperties: false, properties: {} };

export const PAIRING_LIST = { type: 'object', additionalProperties: false, properties: { channel: CHANNEL } };

/** pairing.approve, pairing.reject */
export const PAIRING_CODE = { type: 'object', additionalProperties: false, required: ['channel', 'code'], properties: { channel: CHANNEL, code: CODE } };

export const PAIRING_APPROVED = { type: 'object', additionalProperties: false, required: ['channel'], properties: { channel: CHANNEL } };

export const PAIRING_REVOKE = { type: 'object', additionalProperties: false, required: ['channel', 'sender'], properties: { channel: CHANNEL, sender: { type: 'string', minLength: 1, maxLength: 200, description: 'The approved sender id' } } };
