/**
 * The workspace of the agent a session belongs to: `agents.list[].workspace` (or the derived
 * `<main workspace>-<id>`) for `agent:<id>:…`, the kernel's `paths.workspace` for `main` and
 * for calls without a session (an operator's RPC). Every file and exec tool resolves its root
 * here per call, so agent B's tools never see agent A's workspace unless the config gives
 * them the same folder. The roster is memoized per config object: one map lookup per call.
 */
import { homedir } from 'node:os';
import type { PluginContext } from '../core/index.ts';
import { MAIN_AGENT_ID, agentRoster, parseSessionKey } from '../agent/index.ts';
import { FsToolError } from './errors.ts';

export function agentWorkspace(ctx: Pick<PluginContext, 'config' | 'paths'>, sessionKey: string | undefined): string {
  if (sessionKey === undefined) return ctx.paths.workspace;
  let agentId: string;
  try {
    agentId = parseSessionKey(sessionKey).agentId;
  } catch {
    // Not a run's key (runs only take valid ones): a plugin's own caller, as before agents.list.
    return ctx.paths.workspace;
  }
  const agents = (ctx.config['agents'] as { list?: unknown[] } | undefined)?.list;
  if (agentId === MAIN_AGENT_ID && (agents === undefined || agents.length === 0)) return ctx.paths.workspace;
  const profile = agentRoster(ctx.config, { mainWorkspace: ctx.paths.workspace, home: homedir() }).get(agentId);
  if (profile === undefined) throw new FsToolError('MOLT_ERR_TOOL_NOT_FOUND', `agent "${agentId}" is not configured (agents.list): it has no workspace`);
  return profile.workspace;
}
