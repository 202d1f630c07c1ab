/** RPC `usage.summary` (scope read): the ledger grouped by agent, session, model or UTC day. */
import type { PluginContext } from '../../sdk/core/index.ts';
import { defineMethod } from '../../sdk/gateway/index.ts';
import { parseSince, type UsageGroupBy, type UsageService } from '../../sdk/usage/index.ts';
import { USAGE_SUMMARY } from './method-params.ts';
import * as validators from '../../schemas/generated/usage.method-params.validate.ts';

export function defineUsageMethods(ctx: Pick<PluginContext, 'name' | 'hooks' | 'track' | 'log' | 'use'>, usage: UsageService): void {
  defineMethod<{ by?: UsageGroupBy; since?: string }>(ctx, {
    name: 'usage.summary',
    scope: 'read',
    description: 'Model tokens and cost, grouped by agent, session, model or day',
    params: USAGE_SUMMARY,
    validate: validators.USAGE_SUMMARY,
    handler: ({ by, since }) => {
      let from: number | undefined;
      try {
        from = since === undefined ? undefined : parseSince(since);
      } catch (error) {
        throw new TypeError((error as Error).message);
      }
      return usage.summary({ ...(by === undefined ? {} : { by }), ...(from === undefined ? {} : { since: from }) });
    },
  });
}
