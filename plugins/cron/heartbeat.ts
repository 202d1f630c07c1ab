/**
 * The heartbeat (`cron.heartbeat`, default off): every N minutes a turn in a session (the main
 * one by default) asks the agent whether anything needs attention. A reply that is just
 * `HEARTBEAT_OK` is not delivered; anything else goes to `cron.heartbeat.deliver`.
 */
import type { MoltbotConfig } from '../../sdk/config/index.ts';
import { compileJob, type Job } from './job.ts';

export const HEARTBEAT_ID = 'heartbeat';
export const HEARTBEAT_OK = 'HEARTBEAT_OK';

export const DEFAULT_HEARTBEAT_PROMPT =
  'Heartbeat: check whether anything needs the user\'s attention now (reminders, follow-ups, things you were asked to watch). ' +
  `If nothing does, reply with exactly ${HEARTBEAT_OK} and nothing else; otherwise reply with the message for the user.`;

export type HeartbeatConfig = NonNullable<NonNullable<MoltbotConfig['cron']>['heartbeat']>;

export function heartbeatJob(config: HeartbeatConfig | undefined): Job | undefined {
  if (config?.enabled !== true) return undefined;
  return compileJob({
    id: HEARTBEAT_ID,
    name: 'heartbeat',
    every: `${config.everyMinutes ?? 30}m`,
    message: config.prompt ?? DEFAULT_HEARTBEAT_PROMPT,
    ...(config.session !== undefined ? { session: config.session } : {}),
    deliver: config.deliver ?? 'none',
    // A heartbeat after downtime is one look at the present, not a replay.
    catchUp: 'once',
  }, 'heartbeat', 'cron.heartbeat');
}

/**
 * "Nothing needs attention": the reply is the token alone, ignoring surrounding whitespace,
 * markdown emphasis/code marks and trailing punctuation. A token inside a longer text is not
 * enough: that text is delivered.
 */
export function isHeartbeatOk(reply: string): boolean {
  return reply.trim().replace(/^[*_`~\s]+|[*_`~.!\s]+$/g, '') === HEARTBEAT_OK;
}
