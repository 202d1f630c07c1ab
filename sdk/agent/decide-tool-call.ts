/**
 * Runs `beforeToolCall` to a settled verdict. The hook bails at the first tap that answers, so
 * after a rewrite the taps behind it (a policy, the protected paths) would never see the
 * arguments the tool actually gets. Each rewrite therefore goes through the hook again, until
 * no tap changes the arguments any more; every check sees the final call. Whoever runs a tool
 * (the agent's loop, `tools.invoke`, a third-party runner) uses this, not the hook directly.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KernelHooks, ToolCall } from '../core/index.ts';

/** Rewrites after which the verdict is a denial: taps that keep changing each other's output. */
export const MAX_TOOL_CALL_REWRITES = 4;

export type ToolCallVerdict = { deny: string } | { args: unknown };

export async function decideToolCall(hooks: Pick<KernelHooks, 'beforeToolCall'>, call: ToolCall): Promise<ToolCallVerdict> {
  let current = call;
  for (let round = 0; round <= MAX_TOOL_CALL_REWRITES; round++) {
    const decision = await hooks.beforeToolCall.promise(current);
    if (decision === undefined) return { args: current.args };
    if ('deny' in decision) return { deny: decision.deny };
    if (isDeepStrictEqual(decision.rewrite, current.args)) return { args: current.args };
    current = { ...current, args: decision.rewrite };
  }
  return { deny: `the beforeToolCall rewrites of "${call.name}" did not settle after ${MAX_TOOL_CALL_REWRITES} rounds (two plugins keep changing the arguments)` };
}
