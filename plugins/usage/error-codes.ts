/** The error codes the usage plugin raises (docs/errors.md lists every code). */
import { defineErrors } from '../../sdk/core/index.ts';

export const usageErrors = defineErrors('usage', {
  MOLT_ERR_USAGE_BUDGET_EXCEEDED: {
    title: 'A hard spend budget is used up',
    fix: 'Wait for the budget\'s next period (day or month, in the usage plugin\'s timezone), or raise or remove the limit under the usage plugin\'s `budgets` option and restart.',
    // The message says which limit and until when, without internals: the chat user sees it.
    userFacing: true,
  },
});
