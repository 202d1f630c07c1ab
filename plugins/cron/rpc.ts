/**
 * RPC `cron.list` (read), `cron.add|update|remove|run` (admin). `cron.run` answers once the
 * run has started; its outcome arrives as the `cron.run` event and in `cron.list`. Webhook URLs
 * are shown as their origin only.
 */
import type { PluginContext } from '../../sdk/core/index.ts';
import { defineMethod } from '../../sdk/gateway/index.ts';
import type { JobInput } from './job.ts';
import * as validators from '../../schemas/generated/cron.method-params.validate.ts';
import { CRON_ADD, CRON_JOB_ID, CRON_UPDATE, NO_PARAMS } from './method-params.ts';
import type { JobView } from './scheduler.ts';
import type { CronService } from './service.ts';

/** A webhook URL may carry a token (path or query): clients see its origin only. */
export function publicView(view: JobView): JobView {
  const deliver = view.input.deliver;
  if (typeof deliver !== 'object' || !('webhook' in deliver)) return view;
  let shown = '(invalid URL)';
  try {
    shown = `${new URL(deliver.webhook).origin}/…`;
  } catch { /* keep the placeholder */ }
  return { ...view, input: { ...view.input, deliver: { webhook: shown } } };
}

export function defineCronMethods(ctx: Pick<PluginContext, 'name' | 'hooks' | 'track' | 'log' | 'use'>, service: CronService): void {
  defineMethod(ctx, {
    name: 'cron.list',
    scope: 'read',
    description: 'Every job (config, runtime, heartbeat) with its run state',
    params: NO_PARAMS,
    validate: validators.NO_PARAMS,
    handler: () => ({ jobs: service.list().map(publicView), totals: service.totals }),
  });
  defineMethod<{ job: JobInput }>(ctx, {
    name: 'cron.add',
    scope: 'admin',
    description: 'Adds a runtime job',
    params: CRON_ADD,
    validate: validators.CRON_ADD,
    handler: async ({ job }) => ({ job: publicView(await service.add(job)) }),
  });
  defineMethod<{ id: string; patch: Partial<JobInput> }>(ctx, {
    name: 'cron.update',
    scope: 'admin',
    description: 'Changes fields of a runtime job',
    params: CRON_UPDATE,
    validate: validators.CRON_UPDATE,
    handler: async ({ id, patch }) => ({ job: publicView(await service.update(id, patch)) }),
  });
  defineMethod<{ id: string }>(ctx, {
    name: 'cron.remove',
    scope: 'admin',
    description: 'Removes a runtime job',
    params: CRON_JOB_ID,
    validate: validators.CRON_JOB_ID,
    handler: async ({ id }) => {
      await service.remove(id);
      return { removed: id };
    },
  });
  defineMethod<{ id: string }>(ctx, {
    name: 'cron.run',
    scope: 'admin',
    description: 'Runs a job now, outside its schedule',
    params: CRON_JOB_ID,
    validate: validators.CRON_JOB_ID,
    handler: ({ id }) => {
      const run = service.run(id);
      ctx.track(run.catch((error: unknown) => ctx.log.warn({ err: error, job: id }, 'cron: manual run failed')));
      return { started: id };
    },
  });
}
