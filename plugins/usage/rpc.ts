/** RPC `usage.summary` (scope read): the ledger grouped by agent, session, model or UTC day. */
import type { PluginContext } from '../../sdk/core/index.ts';
import { defineMethod } from '../../sdk/gateway/index.ts';
import { USAGE_GROUPS, parseSince, type UsageGroupBy, type UsageService } from '../../sdk/usage/index.ts';

export const SUMMARY_PARAMS = {
  type: 'object',
  additionalProperties: false,
  properties: {
    by: { enum: [...USAGE_GROUPS], description: 'Grouping (default model); days are UTC.' },
    since: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})?)?$', description: 'Only calls from this date (YYYY-MM-DD, UTC) or ISO timestamp on.' },
  },
} as const;

export function defineUsageMethods(ctx: Pick<PluginContext, 'name' | 'hooks' | 'track' | 'log' | 'use'>, usage: UsageService): void {
  defineMethod<{ by?: UsageGroupBy; since?: string }>(ctx, {
    name: 'usage.summary',
    scope: 'read',
    description: 'Model tokens and cost, grouped by agent, session, model or day',
    params: SUMMARY_PARAMS,
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
