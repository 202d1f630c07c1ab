/**
 * Params of the tool-policy plugin's methods (rpc.ts, approvals-rpc.ts), precompiled by
 * `npm run build:schemas` into schemas/generated/tool-policy.method-params.validate.ts (a request
 * to `tools.list` or `approvals.list` loads no ajv). Only JSON Schemas are exported: the build
 * script imports this module and makes a validator of every export.
 */

const SESSION_KEY = { type: 'string', minLength: 1, maxLength: 300, description: 'Session the call acts for (its sandbox policy and CPU budget apply), e.g. agent:main:main.' };

/** approvals.list */
export const NO_PARAMS = { type: 'object', additionalProperties: false, properties: {} };

export const TOOLS_LIST = { type: 'object', additionalProperties: false, properties: { sessionKey: SESSION_KEY } };

export const TOOLS_INVOKE = {
  type: 'object', additionalProperties: false, required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 64, description: 'Tool name from tools.list.' },
    args: { type: 'object', description: 'Arguments matching the tool\'s parameters schema.' },
    sessionKey: SESSION_KEY,
  },
};

export const APPROVALS_ANSWER = {
  type: 'object', additionalProperties: false, required: ['id', 'answer'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 100, description: 'Approval id from approvals.list or the approval.requested event.' },
    answer: { enum: ['once', 'always', 'deny', 'never'], description: 'once | always (adds an allow rule) | deny | never (adds a deny rule).' },
    pattern: { type: 'string', minLength: 1, maxLength: 1000, description: 'With always / never on an exec approval: the exec pattern to store (e.g. "git status **") instead of the exact command; it must match the command.' },
  },
};
