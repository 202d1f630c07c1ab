/**
 * `cron`: scheduled agent turns (`at`, `every`, cron expressions in a timezone) delivered to a
 * channel, a webhook or nowhere, plus the heartbeat. Jobs come from `cron.jobs` in the config
 * and from RPC / CLI / the `cron` tool at runtime; state is persisted atomically under
 * `<stateDir>/cron/`. With no jobs nothing is scheduled and no timer exists.
 */
import schema from '../../schemas/plugins/cron.json' with { type: 'json' };
import validate from '../../schemas/generated/cron.validate.ts';
import { definePlugin, createServiceRef } from '../../sdk/core/index.ts';
import { gatewayServiceRef } from '../../sdk/gateway/index.ts';
import { agentServiceRef, parseSessionKey, toolPolicyRef, toolRegistryRef } from '../../sdk/agent/index.ts';
import { channelsServiceRef, type ChannelsService } from '../../sdk/channels/index.ts';
import { registerCronCommands } from './cli.ts';
import type { WebhookSettings } from './deliver.ts';
import { createExecutor } from './execute.ts';
import type { MoltbotConfig } from '../../sdk/config/index.ts';
import { heartbeatJob } from './heartbeat.ts';
import { compileJob, invalidJob, type Job } from './job.ts';
import { auditCron, checkStuck, collectCronMetrics, failureAlerts } from './ops.ts';
import { defineCronMethods } from './rpc.ts';
import { Scheduler } from './scheduler.ts';
import { createCronService, type CronService } from './service.ts';
import { createCronStore, cronDir, type CronStore } from './store.ts';
import { cronStoreServiceRef, useOwnership } from '../../sdk/cluster/index.ts';
import { createCronTool } from './tool.ts';

/** Scheduled jobs: add, list, run and remove. */
export const cronServiceRef = createServiceRef<CronService>({ id: 'cron', description: 'Scheduled jobs: add, list, run and remove' });

export type { CronService } from './service.ts';
export type { JobInput, Delivery } from './job.ts';
export type { JobView } from './scheduler.ts';
export { HEARTBEAT_OK, isHeartbeatOk } from './heartbeat.ts';

export interface CronOptions {
  maxJobs: number;
  maxTimerMs: number;
  alertAfterFailures: number;
  stuckMarginMs: number;
  webhook: WebhookSettings;
}

type CronConfig = NonNullable<MoltbotConfig['cron']>;

/** Config jobs plus the heartbeat, checked at boot (errors name `cron.jobs[i].<field>`). */
function declaredJobs(config: CronConfig): Job[] {
  const jobs: Job[] = [];
  const seen = new Set<string>();
  (config.jobs ?? []).forEach((input, index) => {
    const job = compileJob(input, 'config', `cron.jobs[${index}]`);
    if (seen.has(job.id)) throw invalidJob(`cron.jobs[${index}].id`, `"${job.id}" is used twice`);
    seen.add(job.id);
    jobs.push(job);
  });
  const heartbeat = heartbeatJob(config.heartbeat);
  if (heartbeat !== undefined) {
    if (seen.has(heartbeat.id)) throw invalidJob('cron.jobs', `the id "${heartbeat.id}" is reserved for cron.heartbeat`);
    jobs.push(heartbeat);
  }
  return jobs;
}

export default definePlugin<CronOptions>({
  name: 'cron',
  version: '1.0.0',
  provides: [cronServiceRef],
  kernel: '^1.0.0',
  description: 'Scheduled agent turns (at, every, cron in a timezone) delivered to a channel or webhook; the heartbeat',
  sections: ['cron'],
  schema,
  validate,
  // cluster-redis (when declared): the scheduler runs on the owner of `cron` only, state in Redis.
  optionalDependencies: ['agent', 'gateway', 'channels', 'tool-policy', 'cluster-redis'],
  setup(ctx, options) {
    const config = (ctx.config.cron ?? {}) as CronConfig;
    if (config.enabled === false) return;
    // One process: the state file. A cluster plugin's shared store gives back what cron saved (JobInput).
    const shared = ctx.useOptional(cronStoreServiceRef) as CronStore | undefined;
    const store = shared ?? createCronStore(ctx.paths.stateDir);
    const declared = declaredJobs(config);
    const alert = failureAlerts(options.alertAfterFailures, (a) => {
      ctx.hooks.alert.promise(a).catch((error: unknown) => ctx.log.warn({ err: error }, 'an alert sink failed'));
    });
    const broadcast = (event: string, payload: unknown) => {
      try {
        ctx.use(gatewayServiceRef).broadcast(event, payload, 'read');
      } catch { /* no gateway: nobody to tell */ }
    };
    const scheduler = new Scheduler({
      store,
      declared,
      revive: (stored) => compileJob(stored.input, 'runtime', `${store.file} → ${stored.input.id}`, stored.owner),
      execute: createExecutor({
        agent: () => ctx.use(agentServiceRef),
        channels: () => ctx.use(channelsServiceRef),
        webhook: options.webhook,
        signal: ctx.signal,
      }),
      onOutcome: (outcome) => {
        alert(outcome);
        if (!outcome.ok) ctx.log.warn({ job: outcome.job.id, error: outcome.error }, 'cron: run failed');
        broadcast('cron.run', { jobId: outcome.job.id, slot: outcome.slot, ok: outcome.ok, error: outcome.error, durationMs: outcome.durationMs });
      },
      log: ctx.log,
      maxTimerMs: options.maxTimerMs,
    });
    let clustered = false;
    const service = createCronService(scheduler, {
      maxJobs: options.maxJobs,
      notRunning: () => (clustered ? 'this gateway instance does not run the cron scheduler (another instance owns "cron"; `cluster.status` shows which): send job changes to that instance' : undefined),
    });
    ctx.provide(cronServiceRef, service);
    defineCronMethods(ctx, service);

    // No agent plugin: no tool.
    const tools = ctx.useOptional(toolRegistryRef);
    if (tools !== undefined) {
      const sandboxed = (sessionKey: string): boolean => {
        try {
          return ctx.use(toolPolicyRef).current().check('cron', sessionKey) !== undefined;
        } catch {
          // Without the policy plugin only a main session may schedule.
          try {
            return !parseSessionKey(sessionKey).main;
          } catch {
            return true;
          }
        }
      };
      // Without the channels service no chat is an owner's: the tool then delivers to none/webchat only.
      const ownerChat = (channel: string, chatType: 'dm' | 'group', chatId: string): boolean => {
        try {
          const channels: Partial<ChannelsService> = ctx.use(channelsServiceRef);
          return typeof channels.isOwnerChat === 'function' && channels.isOwnerChat(channel, { chatType, chatId });
        } catch {
          return false;
        }
      };
      ctx.onClose(tools.register(createCronTool(service, sandboxed, ownerChat)));
    }

    ctx.hooks.cliCommands.tap(ctx.name, (program, cli) => registerCronCommands(program, cli, ctx.config, ctx.paths.stateDir));
    ctx.hooks.backupSources.tap(ctx.name, (sources) => [...sources, { name: 'cron', path: cronDir(ctx.paths.stateDir), plugin: ctx.name }]);
    ctx.hooks.collectMetrics.tap(ctx.name, (collector) => collectCronMetrics(collector, scheduler.totals, scheduler.list()));
    ctx.hooks.diagnose.tapPromise(ctx.name, async (report) => {
      if (scheduler.started) return checkStuck(report, scheduler.list(), Date.now(), options.stuckMarginMs, 'live scheduler');
      // `moltbot doctor` in its own process: judge the state file the gateway writes.
      let file;
      try {
        file = await store.load();
      } catch (error) {
        report.add({ id: 'cron.state-file', severity: 'warning', title: 'Cron state file damaged', description: (error as Error).message, recommendation: 'Repair it, or let the gateway move it aside at its next start (runtime jobs are then lost; config jobs stay).' });
        return;
      }
      const jobs = Object.entries(file.state).map(([id, state]) => ({ id, running: state.lastStatus === 'running', state }));
      checkStuck(report, jobs, Date.now(), options.stuckMarginMs, store.file);
    });
    ctx.hooks.audit.tapPromise(ctx.name, async (report) => {
      const stored = scheduler.started ? [] : await store.load().then((f) => f.jobs.map((j) => j.input), () => []);
      const jobs = scheduler.started ? scheduler.list().map((j) => j.input) : [...declared.map((j) => j.input), ...stored];
      auditCron(report, jobs.map((j) => ({ id: j.id, ...(j.deliver !== undefined ? { deliver: j.deliver } : {}) })));
    });
    ctx.hooks.start.tapPromise(ctx.name, async () => {
      // One scheduler per cluster: the owner of `cron` (this instance when not clustered).
      const ownership = useOwnership(ctx);
      clustered = ownership.clustered;
      const hold = await ownership.hold('cron', {
        onAcquire: () => scheduler.start(),
        onLose: async () => scheduler.stop(),
      });
      ctx.onClose(() => hold.release());
    });
  },
});
