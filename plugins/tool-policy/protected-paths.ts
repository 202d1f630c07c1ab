/**
 * Workspace paths the file tools (`read`, `write`, `edit`) must not reach from some sessions,
 * whatever the tool allowlist says: the owner's memory (a sandboxed session could read it, or
 * write text that is then put into the main session's prompt) and the skills folder (a skill
 * written by a stranger would become the owner's instructions). The plugin that owns the files
 * declares the rule; the check runs in `beforeToolCall` after the tool policy.
 */
import { isAbsolute, normalize, relative, resolve, sep } from 'node:path';
import type { PluginContext } from '../../sdk/core/index.ts';
import type { ToolPolicy } from './policy.ts';

export const FILE_TOOLS: Readonly<Record<string, 'read' | 'write'>> = Object.freeze({ read: 'read', write: 'write', edit: 'write' });

export interface ProtectedPaths {
  /** Workspace-relative, `/`-separated path (already normalised) → whether the rule covers it. */
  covers(path: string): boolean;
  /** Whether `access` is refused to this session under the tool policy. */
  refuses(policy: Pick<ToolPolicy, 'sandboxed' | 'check'>, sessionKey: string | undefined, access: 'read' | 'write'): boolean;
  reason: string;
}

/** The path a file tool call targets, relative to the workspace, or undefined when it leaves it. */
const MAIN_SESSION = /^agent:[a-z0-9][a-z0-9_-]{0,63}:main$/i;
/** Without the tool-policy plugin: every session but a main one counts as sandboxed, and is refused. */
const WITHOUT_POLICY: Pick<ToolPolicy, 'sandboxed' | 'check'> = {
  sandboxed: (sessionKey) => sessionKey === undefined || !MAIN_SESSION.test(sessionKey),
  check: (_tool, sessionKey) => (sessionKey !== undefined && MAIN_SESSION.test(sessionKey) ? undefined : 'sandboxed session'),
};

export function workspaceRelative(workspace: string, path: unknown): string | undefined {
  if (typeof path !== 'string' || path.length === 0) return undefined;
  const absolute = isAbsolute(path) ? normalize(path) : resolve(workspace, path);
  const rel = relative(workspace, absolute);
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

export function protectPaths(ctx: Pick<PluginContext, 'name' | 'hooks' | 'use' | 'paths' | 'log'>, rule: ProtectedPaths): void {
  const policy = (): Pick<ToolPolicy, 'sandboxed' | 'check'> => {
    try {
      return (ctx.use('tool-policy') as { current(): ToolPolicy }).current();
    } catch {
      return WITHOUT_POLICY;
    }
  };
  ctx.hooks.beforeToolCall.tapPromise(ctx.name, async (call) => {
    const access = FILE_TOOLS[call.name];
    if (access === undefined) return undefined;
    const path = workspaceRelative(ctx.paths.workspace, (call.args as { path?: unknown } | undefined)?.path);
    if (path === undefined || !rule.covers(path)) return undefined;
    if (!rule.refuses(policy(), call.sessionKey, access)) return undefined;
    ctx.log.warn({ tool: call.name, path, sessionKey: call.sessionKey }, `file tool call denied: ${rule.reason}`);
    return { deny: rule.reason };
  });
}
