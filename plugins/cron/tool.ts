/**
 * The `cron` tool: the agent lists, adds and removes its own jobs. Sandboxed sessions (every
 * non-main one by default) are refused by the tool policy (`cron` is in its default denylist);
 * without the tool-policy plugin this tool refuses every non-main session itself. A session
 * sees and removes only the jobs it added; a job it adds runs in that session unless it names
 * another session of the same agent. A model can be steered by injected text, so where a job
 * it adds may deliver is narrowed to what reaches only the operator: nowhere, webchat (the
 * gateway's authenticated clients), or a DM with one of that channel's `owners`. Webhooks and
 * any other chat are for the operator (config, RPC or CLI keep full freedom).
 */
import { MoltbotError } from '../../sdk/core/index.ts';
import { compileOnFirstUse } from '../../sdk/core/index.ts';
import { parseSessionKey } from '../../sdk/agent/index.ts';
import type { ToolContext, ToolDefinition } from '../../sdk/agent/index.ts';
import { JOB_SCHEMA, type Delivery, type JobInput } from './job.ts';
import type { CronService } from './service.ts';
import { cronErrors } from './error-codes.ts';
import { toolErrors } from '../../sdk/agent/index.ts';

const PARAMETERS = {
  type: 'object',
  additionalProperties: false,
  required: ['action'],
  properties: {
    action: { type: 'string', enum: ['list', 'add', 'remove'], description: 'list your jobs, add one, or remove one by id.' },
    job: { ...JOB_SCHEMA, description: 'For add: the job (id, message and one of at, every, cron).' },
    id: { type: 'string', maxLength: 64, description: 'For remove: the job id.' },
  },
} as const;

const forbidden = (message: string) => new MoltbotError(cronErrors.MOLT_ERR_CRON_FORBIDDEN, { message, plugin: 'cron' });
const invalidArgs = (message: string) => new MoltbotError(toolErrors.MOLT_ERR_TOOL_INVALID_ARGS, { message, plugin: 'cron' });

/** Refusal text when the tool may not deliver to `deliver`, else undefined. */
function deliveryRefusal(deliver: Delivery | undefined, ownerChat: (channel: string, chatType: 'dm' | 'group', chatId: string) => boolean): string | undefined {
  if (deliver === undefined || deliver === 'none') return undefined;
  // A model (perhaps steered by injected text) must not pick where data is POSTed.
  if ('webhook' in deliver) return 'cron: webhook delivery is set by the operator (config or RPC), not by the cron tool';
  if (deliver.channel === 'webchat' || ownerChat(deliver.channel, deliver.chatType, deliver.chatId)) return undefined;
  return `cron: the cron tool delivers only to "none", webchat, or a DM with one of channels.${deliver.channel}.owners; ` +
    `${deliver.chatType} "${deliver.chatId}" on ${deliver.channel} is not one (other targets are set by the operator: config, RPC cron.add or the CLI)`;
}

export function createCronTool(service: CronService, sandboxed: (sessionKey: string) => boolean, ownerChat: (channel: string, chatType: 'dm' | 'group', chatId: string) => boolean): ToolDefinition {
  const validate = compileOnFirstUse(PARAMETERS);
  return {
    name: 'cron',
    description: 'Schedule agent turns: list your scheduled jobs, add one (at an ISO time, every interval, or a cron expression, in a timezone), or remove one.',
    parameters: PARAMETERS,
    async handler(args: { action: 'list' | 'add' | 'remove'; job?: JobInput; id?: string }, context: ToolContext) {
      if (!validate(args)) throw invalidArgs(`cron: ${validate.errors?.[0]?.instancePath || 'arguments'} ${validate.errors?.[0]?.message ?? 'are invalid'}`);
      if (sandboxed(context.sessionKey)) throw forbidden('cron: not available in a sandboxed session');
      const own = service.list().filter((job) => job.owner === context.sessionKey);
      switch (args.action) {
        case 'list':
          return own.map((job) => ({ ...job.input, nextRunAt: job.state.nextRunAt, lastStatus: job.state.lastStatus, runCount: job.state.runCount }));
        case 'add': {
          if (args.job === undefined) throw invalidArgs('cron: add needs "job"');
          const session = args.job.session ?? context.sessionKey;
          if (parseSessionKey(session).agentId !== parseSessionKey(context.sessionKey).agentId) throw forbidden('cron: a job runs in a session of this agent only');
          const refusal = deliveryRefusal(args.job.deliver, ownerChat);
          if (refusal !== undefined) throw forbidden(refusal);
          const view = await service.add({ ...args.job, session }, context.sessionKey);
          return { added: view.id, nextRunAt: view.state.nextRunAt === undefined ? null : new Date(view.state.nextRunAt).toISOString() };
        }
        case 'remove': {
          if (args.id === undefined) throw invalidArgs('cron: remove needs "id"');
          if (!own.some((job) => job.id === args.id)) throw forbidden(`cron: "${args.id}" is not a job this session added`);
          await service.remove(args.id);
          return { removed: args.id };
        }
      }
    },
  };
}
