/**
 * Params of the agent's methods (rpc.ts, agents-rpc.ts), precompiled by `npm run build:schemas`
 * into schemas/generated/agent.method-params.validate.ts (a request to `chat.send` loads no ajv).
 * Only JSON Schemas are exported: the build script imports this module and makes a validator of
 * every export.
 */

/** Files one chat.send may carry (as many as a channel reply may). */
const MAX_ATTACHMENTS = 10;
const SESSION_KEY = { type: 'string', minLength: 1, maxLength: 300, description: 'Session key, e.g. agent:main:main' };

/** models.status, agents.list */
export const NO_PARAMS = { type: 'object', additionalProperties: false, properties: {} };

export const CHAT_SEND = {
  type: 'object', additionalProperties: false, required: ['message'],
  properties: {
    sessionKey: SESSION_KEY,
    message: { type: 'string', maxLength: 200_000 },
    // An id names a stored upload; never a path (no dots or slashes get this far).
    attachments: { type: 'array', maxItems: MAX_ATTACHMENTS, uniqueItems: true, items: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
  },
};

export const CHAT_ABORT = { type: 'object', additionalProperties: false, properties: { runId: { type: 'string', minLength: 1 }, sessionKey: SESSION_KEY } };

/** chat.history, sessions.history */
export const HISTORY = { type: 'object', additionalProperties: false, properties: { sessionKey: SESSION_KEY, limit: { type: 'integer', minimum: 1, maximum: 10_000 } } };

/** sessions.subscribe, sessions.inspect */
export const ONE_SESSION = { type: 'object', additionalProperties: false, required: ['sessionKey'], properties: { sessionKey: SESSION_KEY } };

export const SESSIONS_UNSUBSCRIBE = { type: 'object', additionalProperties: false, properties: { sessionKey: SESSION_KEY } };

export const SESSIONS_LIST = { type: 'object', additionalProperties: false, properties: { agentId: { type: 'string', minLength: 1, maxLength: 64 } } };

export const RUNS_TRACE = { type: 'object', additionalProperties: false, required: ['runId'], properties: { runId: { type: 'string', minLength: 1, maxLength: 100 }, agentId: { type: 'string', minLength: 1, maxLength: 64 } } };

export const MODELS_RESET = { type: 'object', additionalProperties: false, properties: { ref: { type: 'string', minLength: 1 } } };

export const AGENTS_GET = { type: 'object', additionalProperties: false, required: ['agentId'], properties: { agentId: { type: 'string', minLength: 1, maxLength: 64 } } };
