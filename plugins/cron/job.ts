/**
 * A job as written (config `cron.jobs`, RPC `cron.add`, the `cron` tool) and as the scheduler
 * holds it. One check for every entry point: exactly one of at/every/cron, a valid IANA tz,
 * a valid session key, a deliver target of a known shape; errors name the field.
 */
import type { CronDelivery, MoltbotConfig } from '../../sdk/config/index.ts';
import { MoltbotError } from '../../sdk/core/index.ts';
import { mainSessionKey, parseSessionKey } from '../../sdk/agent/index.ts';
import { isTimeZone } from '../../sdk/core/index.ts';
import { parseAt, parseCron, parseDuration, type Schedule } from './schedule.ts';
import { cronErrors } from './error-codes.ts';
import { CRON_ADD } from './method-params.ts';

/** The root schema (`cron.jobs[]`, definitions.cronDelivery) is the one source of these shapes. */
export type Delivery = CronDelivery;
export type JobInput = NonNullable<NonNullable<MoltbotConfig['cron']>['jobs']>[number];
export type CatchUp = NonNullable<JobInput['catchUp']>;

export type JobSource = 'config' | 'runtime' | 'heartbeat';

export interface Job {
  readonly input: JobInput;
  readonly id: string;
  readonly schedule: Schedule;
  readonly tz: string;
  readonly message: string;
  readonly session: string;
  readonly deliver: Delivery;
  readonly enabled: boolean;
  readonly catchUp: CatchUp;
  readonly source: JobSource;
  /** Session that added it through the `cron` tool (it may list and remove only those). */
  readonly owner?: string;
}

/** JSON Schema of a job (RPC params, tool parameters), defined in method-params.ts; the root config schema holds the same shape. */
export const JOB_SCHEMA = CRON_ADD.properties.job;
export const JOB_ID = JOB_SCHEMA.properties.id.pattern;

export function invalidJob(path: string, problem: string): MoltbotError {
  return new MoltbotError(cronErrors.MOLT_ERR_CRON_INVALID_JOB, { message: `Invalid cron job: ${path} ${problem}`, path, plugin: 'cron' });
}

/** Validates and compiles one job; `path` prefixes the field names in errors (e.g. `cron.jobs[2]`). */
export function compileJob(input: JobInput, source: JobSource, path: string, owner?: string): Job {
  if (typeof input.id !== 'string' || !new RegExp(JOB_ID).test(input.id)) throw invalidJob(`${path}.id`, 'must be lowercase letters, digits, "_" or "-" (at most 64)');
  if (typeof input.message !== 'string' || input.message.trim() === '') throw invalidJob(`${path}.message`, 'must be the non-empty text of the agent turn');
  const tz = input.tz ?? 'UTC';
  if (!isTimeZone(tz)) throw invalidJob(`${path}.tz`, `${JSON.stringify(tz)} is not an IANA timezone (e.g. "Europe/Berlin", "UTC")`);
  const given = (['at', 'every', 'cron'] as const).filter((key) => input[key] !== undefined);
  if (given.length !== 1) throw invalidJob(path, `needs exactly one of at, every, cron (got ${given.length === 0 ? 'none' : given.join(', ')})`);
  const schedule = compileSchedule(input, tz, path);
  const session = input.session ?? mainSessionKey();
  try {
    parseSessionKey(session);
  } catch {
    throw invalidJob(`${path}.session`, `${JSON.stringify(session)} is not a session key ("agent:<agentId>:main" or "agent:<agentId>:<channel>:dm|group:<id>")`);
  }
  const deliver = input.deliver ?? 'none';
  checkDelivery(deliver, `${path}.deliver`);
  return {
    input, id: input.id, schedule, tz, message: input.message, session, deliver,
    enabled: input.enabled ?? true, catchUp: input.catchUp ?? 'once', source,
    ...(owner !== undefined ? { owner } : {}),
  };
}

function compileSchedule(input: JobInput, tz: string, path: string): Schedule {
  if (input.at !== undefined) {
    const at = parseAt(input.at, tz);
    if (at === undefined) throw invalidJob(`${path}.at`, `${JSON.stringify(input.at)} is not an ISO time such as "2026-05-01T09:00:00" (read in tz) or "2026-05-01T07:00:00Z"`);
    return { kind: 'at', at };
  }
  if (input.every !== undefined) {
    const everyMs = parseDuration(input.every);
    if (everyMs === undefined || everyMs < 10_000) throw invalidJob(`${path}.every`, `${JSON.stringify(input.every)} is not an interval of at least 10s such as "90s", "30m", "2h", "1d"`);
    return { kind: 'every', everyMs };
  }
  try {
    return { kind: 'cron', cron: parseCron(input.cron!, tz) };
  } catch (error) {
    throw invalidJob(`${path}.cron`, `${JSON.stringify(input.cron)} is not a cron expression: ${(error as Error).message}`);
  }
}

function checkDelivery(deliver: unknown, path: string): void {
  if (deliver === 'none') return;
  if (typeof deliver === 'object' && deliver !== null) {
    const d = deliver as Record<string, unknown>;
    if (typeof d.webhook === 'string' && Object.keys(d).length === 1) {
      let url: URL | undefined;
      try {
        url = new URL(d.webhook);
      } catch { /* reported below */ }
      if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw invalidJob(`${path}.webhook`, 'must be an http(s) URL');
      if (url.username !== '' || url.password !== '') throw invalidJob(`${path}.webhook`, 'must not carry credentials in the URL');
      return;
    }
    if (typeof d.channel === 'string' && d.channel !== '' && (d.chatType === 'dm' || d.chatType === 'group') && typeof d.chatId === 'string' && d.chatId !== '' && Object.keys(d).length === 3) return;
  }
  throw invalidJob(path, 'must be "none", {channel, chatType: "dm"|"group", chatId} or {webhook: "https://…"}');
}
