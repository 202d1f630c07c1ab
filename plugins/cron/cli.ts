/**
 * `moltbot cron list|add|remove|run`: through the running gateway (RPC `cron.*`, client
 * moltbot/plugin-sdk/gateway), since the scheduler and its state live there.
 */
import type { Command } from 'commander';
import type { CliContext } from '../../sdk/core/index.ts';
import { callGateway, cliCredential, gatewayUrl } from '../../sdk/gateway/index.ts';
import type { Delivery, JobInput } from './job.ts';
import type { JobView } from './scheduler.ts';

type Config = Readonly<Record<string, any>>;

interface AddOptions {
  id: string; message: string; at?: string; every?: string; cron?: string; tz?: string; name?: string; session?: string;
  channel?: string; chatType?: 'dm' | 'group'; chatId?: string; webhook?: string; disabled?: boolean; catchUp?: 'once' | 'skip';
  url?: string; json?: boolean;
}

const iso = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString());

export function formatJobs(jobs: JobView[]): string {
  if (jobs.length === 0) return 'no cron jobs';
  const rows = jobs.map((j) => {
    const when = j.input.at !== undefined ? `at ${j.input.at}` : j.input.every !== undefined ? `every ${j.input.every}` : `cron ${j.input.cron}`;
    const status = j.running ? 'running' : j.state.lastStatus ?? 'never run';
    return `${j.id.padEnd(20)} ${`${when}${j.input.tz ? ` ${j.input.tz}` : ''}`.padEnd(32)} ${(j.input.enabled === false ? 'disabled' : j.state.done ? 'done' : iso(j.state.nextRunAt)).padEnd(25)} ${status.padEnd(11)} ${String(j.state.runCount).padStart(5)}  ${j.source}`;
  });
  return [`${'ID'.padEnd(20)} ${'SCHEDULE'.padEnd(32)} ${'NEXT RUN'.padEnd(25)} ${'LAST'.padEnd(11)} ${'RUNS'.padStart(5)}  SOURCE`, ...rows].join('\n');
}

function delivery(options: AddOptions): Delivery | undefined {
  if (options.webhook !== undefined) return { webhook: options.webhook };
  if (options.channel !== undefined) return { channel: options.channel, chatType: options.chatType ?? 'dm', chatId: options.chatId ?? '' };
  return undefined;
}

export function registerCronCommands(program: Command, cli: CliContext, config: Config, stateDir: string): void {
  const call = async (url: string | undefined, method: string, params?: unknown) =>
    callGateway(url ?? gatewayUrl(config), await cliCredential(config, stateDir), method, params);
  const command = program.command('cron').description('scheduled agent turns in the running gateway: list, add, remove, run');
  const urlOption = ['--url <url>', 'gateway WebSocket URL (default: from gateway.port and gateway.bind)'] as const;

  command.command('list').description('every job with its next run and last outcome')
    .option('--json', 'print the jobs as JSON').option(...urlOption)
    .action(async (options: { json?: boolean; url?: string }) => {
      const { jobs } = (await call(options.url, 'cron.list')) as { jobs: JobView[] };
      cli.print(options.json ? JSON.stringify(jobs, null, 2) : formatJobs(jobs));
    });

  command.command('add').description('add a job: --id, --message and one of --at, --every, --cron')
    .requiredOption('--id <id>', 'job id (lowercase letters, digits, _ and -)')
    .requiredOption('-m, --message <text>', 'input of the agent turn each run starts')
    .option('--at <iso>', 'one shot at this ISO time (read in --tz unless it has an offset)')
    .option('--every <interval>', 'interval such as 30m, 2h, 1d')
    .option('--cron <expr>', 'cron expression (5 fields, or 6 with seconds)')
    .option('--tz <zone>', 'IANA timezone (default UTC)')
    .option('--name <text>', 'what the job is for')
    .option('--session <key>', 'session key the turn runs in (default agent:main:main)')
    .option('--channel <id>', 'deliver the reply to this channel …')
    .option('--chat-type <type>', '… to a dm or a group', 'dm')
    .option('--chat-id <id>', '… with this chat id')
    .option('--webhook <url>', 'deliver the reply as a JSON POST to this URL')
    .option('--disabled', 'add it without running it')
    .option('--catch-up <policy>', 'slots missed while down: once (default) or skip')
    .option('--json', 'print the job as JSON').option(...urlOption)
    .action(async (options: AddOptions) => {
      const target = delivery(options);
      const job: JobInput = {
        id: options.id, message: options.message,
        ...(options.at !== undefined ? { at: options.at } : {}),
        ...(options.every !== undefined ? { every: options.every } : {}),
        ...(options.cron !== undefined ? { cron: options.cron } : {}),
        ...(options.tz !== undefined ? { tz: options.tz } : {}),
        ...(options.name !== undefined ? { name: options.name } : {}),
        ...(options.session !== undefined ? { session: options.session } : {}),
        ...(target !== undefined ? { deliver: target } : {}),
        ...(options.disabled ? { enabled: false } : {}),
        ...(options.catchUp !== undefined ? { catchUp: options.catchUp } : {}),
      };
      const { job: added } = (await call(options.url, 'cron.add', { job })) as { job: JobView };
      cli.print(options.json ? JSON.stringify(added, null, 2) : `added ${added.id}, next run ${iso(added.state.nextRunAt)}`);
    });

  command.command('remove <id>').description('remove a job added at runtime').option(...urlOption)
    .action(async (id: string, options: { url?: string }) => {
      await call(options.url, 'cron.remove', { id });
      cli.print(`removed ${id}`);
    });

  command.command('run <id>').description('run a job now, outside its schedule').option(...urlOption)
    .action(async (id: string, options: { url?: string }) => {
      await call(options.url, 'cron.run', { id });
      cli.print(`started ${id} (\`moltbot cron list\` shows the outcome)`);
    });
}
