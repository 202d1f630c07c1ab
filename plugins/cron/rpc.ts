/**
 * RPC `cron.list` (read), `cron.add|update|remove|run` (admin). `cron.run` answers once the
 * run has started; its outcome arrives as the `cron.run` event and in `cron.list`. Webhook URLs
 * are shown as their origin only.
 */
import type { PluginContext } from '../../sdk/core/index.ts';
import { defineMethod } from '../../sdk/gateway/index.ts';
import { JOB_ID, JOB_SCHEMA, type JobInput } from './job.ts';
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

const ID = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', pattern: JOB_ID } } };

export function defineCronMethods(ctx: Pick<PluginContext, 'name' | 'hooks' | 'track' | 'log' | 'use'>, service: CronService): void {
  defineMethod(ctx, {
    name: 'cron.list',
    scope: 'read',
    description: 'Every job (config, runtime, heartbeat) with its run state',
    params: { type: 'object', additionalProperties: false, properties: {} },
    handler: () => ({ jobs: service.list().map(publicView), totals: service.totals }),
  });
  defineMethod<{ job: JobInput }>(ctx, {
    name: 'cron.add',
    scope: 'admin',
    description: 'Adds a runtime job',
    params: { type: 'object', additionalProperties: false, required: ['job'], properties: { job: JOB_SCHEMA } },
    handler: async ({ job }) => ({ job: publicView(await service.add(job)) }),
  });
  const { id: _id, ...patchProperties } = JOB_SCHEMA.properties;
  defineMethod<{ id: string; patch: Partial<JobInput> }>(ctx, {
    name: 'cron.update',
    scope: 'admin',
    description: 'Changes fields of a runtime job',
    params: { type: 'object', additionalProperties: false, required: ['id', 'patch'], properties: { id: ID.properties.id, patch: { type: 'object', additionalProperties: false, properties: patchProperties } } },
    handler: async ({ id, patch }) => ({ job: publicView(await service.update(id, patch)) }),
  });
  defineMethod<{ id: string }>(ctx, {
    name: 'cron.remove',
    scope: 'admin',
    description: 'Removes a runtime job',
    params: ID,
    handler: async ({ id }) => {
      await service.remove(id);
      return { removed: id };
    },
  });
  defineMethod<{ id: string }>(ctx, {
    name: 'cron.run',
    scope: 'admin',
    description: 'Runs a job now, outside its schedule',
    params: ID,
    handler: ({ id }) => {
      const run = service.run(id);
      ctx.track(run.catch((error: unknown) => ctx.log.warn({ err: error, job: id }, 'cron: manual run failed')));
      return { started: id };
    },
  });
}
