/**
 * Workspace paths some sessions must not reach, whatever the tool allowlist says: the owner's
 * memory (a sandboxed session could read it, or write text that is then put into the main
 * session's prompt) and the skills folder (a skill written by a stranger would become the
 * owner's instructions). The plugin that owns the files declares the rule (`protectPaths`).
 *
 * The rules apply by DECLARED ACCESS, never by tool name: every tool whose definition declares
 * path arguments (`access.paths`, sdk/agent) is checked in `beforeToolCall`, first- or
 * third-party alike, and the workspace file helper (`workspaceFiles`) checks the rules again on
 * the file's real path (symlinks resolved) before it opens it.
 */
import { isAbsolute, normalize, relative, resolve, sep } from 'node:path';
import { createServiceRef, type PluginContext } from '../core/index.ts';
import { declaredPaths, toolPolicyRef, toolRegistryRef, type PathAccess, type ToolPolicy } from '../agent/index.ts';

export type SessionPolicy = Pick<ToolPolicy, 'sandboxed' | 'check'>;

export interface ProtectedPathRule {
  /** Workspace-relative, `/`-separated path (already normalised) → whether the rule covers it. */
  covers(path: string): boolean;
  /** Whether `access` is refused to this session under the tool policy. */
  refuses(policy: SessionPolicy, sessionKey: string | undefined, access: PathAccess): boolean;
  /** Told to the model (and logged) when a call is refused. */
  reason: string;
}

/** The former name of ProtectedPathRule. */
export type ProtectedPaths = ProtectedPathRule;

/** Service `protected-paths`: every rule of the kernel (built on first use; no plugin provides it). */
export interface ProtectedPathsRegistry {
  /** Returns a function that removes the rule again. */
  add(rule: ProtectedPathRule): () => void;
  rules(): readonly ProtectedPathRule[];
}

export function createProtectedPathsRegistry(): ProtectedPathsRegistry {
  const rules = new Set<ProtectedPathRule>();
  return {
    add(rule) {
      if (typeof rule?.covers !== 'function' || typeof rule.refuses !== 'function' || typeof rule.reason !== 'string') {
        throw new TypeError('protectPaths(): a rule needs covers(path), refuses(policy, sessionKey, access) and a reason');
      }
      rules.add(rule);
      return () => void rules.delete(rule);
    },
    rules: () => [...rules],
  };
}

export const protectedPathsRef = createServiceRef<ProtectedPathsRegistry>({
  id: 'protected-paths',
  description: 'Workspace paths refused to some sessions, applied to every tool declaring path access',
  defaultFactory: createProtectedPathsRegistry,
});

const MAIN_SESSION = /^agent:[a-z0-9][a-z0-9_-]{0,63}:main$/i;
/** Without the tool-policy plugin (or before it starts): every session but a main one counts as sandboxed, and is refused. */
const WITHOUT_POLICY: SessionPolicy = {
  sandboxed: (sessionKey) => sessionKey === undefined || !MAIN_SESSION.test(sessionKey),
  check: (_tool, sessionKey) => (sessionKey !== undefined && MAIN_SESSION.test(sessionKey) ? undefined : 'sandboxed session'),
};

/** The session policy now: the tool-policy plugin's once started, else the strict fallback. */
export function currentSessionPolicy(ctx: Pick<PluginContext, 'useOptional'>): SessionPolicy {
  try {
    return ctx.useOptional(toolPolicyRef)?.current() ?? WITHOUT_POLICY;
  } catch {
    return WITHOUT_POLICY;
  }
}

/** The reason of the first rule refusing `access` to `path` for the session, or undefined. */
export function protectedRefusal(rules: readonly ProtectedPathRule[], policy: SessionPolicy, path: string, access: PathAccess, sessionKey: string | undefined): string | undefined {
  for (const rule of rules) {
    if (rule.covers(path) && rule.refuses(policy, sessionKey, access)) return rule.reason;
  }
  return undefined;
}

/** The path relative to the workspace (lexically normalised, `/`-separated), or undefined when it leaves it. */
export function workspaceRelative(workspace: string, path: unknown): string | undefined {
  if (typeof path !== 'string' || path.length === 0) return undefined;
  const absolute = isAbsolute(path) ? normalize(path) : resolve(workspace, path);
  const rel = relative(workspace, absolute);
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/**
 * Declares a rule for files this plugin owns. A call of any tool declaring path arguments is
 * denied in `beforeToolCall` when one of those paths is covered and the rule refuses that
 * access kind to the session; `workspaceFiles` refuses the same on the real path.
 */
export function protectPaths(ctx: Pick<PluginContext, 'name' | 'hooks' | 'use' | 'useOptional' | 'paths' | 'log' | 'onClose'>, rule: ProtectedPathRule): void {
  ctx.onClose(ctx.use(protectedPathsRef).add(rule));
  ctx.hooks.beforeToolCall.tapPromise(ctx.name, async (call) => {
    const tool = ctx.useOptional(toolRegistryRef)?.get(call.name);
    for (const { arg, access, value } of declaredPaths(tool, call.args)) {
      const path = workspaceRelative(ctx.paths.workspace, value);
      if (path === undefined || !rule.covers(path)) continue;
      if (!rule.refuses(currentSessionPolicy(ctx), call.sessionKey, access)) continue;
      ctx.log.warn({ tool: call.name, arg, path, access, sessionKey: call.sessionKey }, `file tool call denied: ${rule.reason}`);
      return { deny: rule.reason };
    }
    return undefined;
  });
}
