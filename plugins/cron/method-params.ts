/**
 * Params of the cron plugin's methods (rpc.ts), precompiled by `npm run build:schemas` into
 * schemas/generated/cron.method-params.validate.ts (a request to `cron.list` or `cron.add` loads
 * no ajv). Only JSON Schemas are exported: the build script imports this module and makes a
 * validator of every export. The job's shape lives here (job.ts takes JOB_SCHEMA and JOB_ID from
 * CRON_ADD), as this module must import nothing with side effects.
 */

const JOB_ID = '^[a-z0-9][a-z0-9_-]{0,63}$';

/** JSON Schema of a job (RPC params, tool parameters); the root config schema holds the same shape. */
const JOB_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'message'],
  properties: {
    id: { type: 'string', pattern: JOB_ID, description: 'Job id: lowercase letters, digits, "_" and "-".' },
    name: { type: 'string', maxLength: 200, description: 'What the job is for.' },
    at: { type: 'string', maxLength: 40, description: 'One shot: ISO time, read in tz unless it has an offset.' },
    every: { type: 'string', pattern: '^[1-9][0-9]*(s|m|h|d)$', description: 'Interval such as "30m", "2h", "1d" (at least 10s).' },
    cron: { type: 'string', maxLength: 200, description: 'Cron expression, 5 fields (or 6 with seconds first), read in tz.' },
    tz: { type: 'string', maxLength: 64, description: 'IANA timezone of at/cron, default UTC.' },
    message: { type: 'string', minLength: 1, maxLength: 20_000, description: 'Input of the agent turn each run starts.' },
    session: { type: 'string', maxLength: 300, description: 'Session key the turn runs in (default agent:main:main).' },
    deliver: {
      description: 'Where the reply goes: "none", a channel chat, or a webhook (POST JSON).',
      anyOf: [
        { type: 'string', enum: ['none'] },
        { type: 'object', additionalProperties: false, required: ['channel', 'chatType', 'chatId'], properties: { channel: { type: 'string', minLength: 1 }, chatType: { type: 'string', enum: ['dm', 'group'] }, chatId: { type: 'string', minLength: 1 } } },
        { type: 'object', additionalProperties: false, required: ['webhook'], properties: { webhook: { type: 'string', minLength: 1, maxLength: 2000 } } },
      ],
    },
    enabled: { type: 'boolean', description: 'false keeps the job without running it.' },
    catchUp: { type: 'string', enum: ['once', 'skip'], description: 'Missed slots after downtime: run once at start (once, default) or skip them.' },
  },
} as const;

const { id: _id, ...patchProperties } = JOB_SCHEMA.properties;

/** cron.list */
export const NO_PARAMS = { type: 'object', additionalProperties: false, properties: {} };

export const CRON_ADD = { type: 'object', additionalProperties: false, required: ['job'], properties: { job: JOB_SCHEMA } };

/** cron.remove, cron.run */
export const CRON_JOB_ID = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', pattern: JOB_ID } } };

export const CRON_UPDATE = { type: 'object', additionalProperties: false, required: ['id', 'patch'], properties: { id: CRON_JOB_ID.properties.id, patch: { type: 'object', additionalProperties: false, properties: patchProperties } } };
