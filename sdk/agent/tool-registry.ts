/**
 * The `tools` service: tools the model may call during runs. Any plugin registers its own
 * (`ctx.use(toolRegistryRef).register({...})` in setup, `consumes: [toolRegistryRef]`); the
 * tool policy and the protected workspace paths are enforced on every call in `beforeToolCall`.
 *
 * A tool that touches workspace files declares it (`access.paths`): the protected-path rules
 * apply to its path arguments by that declaration, whatever the tool is called, so a
 * third-party file tool is held to the same rules as the first-party `read`/`write`/`edit`.
 */
import { createServiceRef } from '../core/index.ts';
import type { ToolProgress } from './tool-progress.ts';
import type { ToolSpec } from './types.ts';

export interface ToolContext {
  runId: string;
  sessionKey: string;
  /** Aborted when the run is aborted or times out. */
  signal: AbortSignal;
  /**
   * Reports how far a long call got (`{ progress, total?, message? }`). Absent when the caller
   * does not listen; call it as `context.progress?.(...)`. Updates are throttled by the runner
   * (agent runs: `tool.progress` events, at most one per 100 ms per call, the last one always
   * sent before the result); an update after the handler settled is dropped.
   */
  progress?(update: ToolProgress): void;
}

/** What a tool does with a workspace path it is given. */
export type PathAccess = 'read' | 'write';

export interface ToolAccess {
  /**
   * The tool's workspace path arguments: `'read'` / `'write'` for a single argument named
   * `path`, or argument name → access kind (`{ from: 'read', to: 'write' }`). An argument may
   * hold one path or an array of paths. Top-level arguments only.
   */
  paths?: PathAccess | Readonly<Record<string, PathAccess>>;
}

export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments (sent to the model). */
  parameters: object;
  /** What the tool reaches besides its own state; file tools must declare their path arguments. */
  access?: ToolAccess;
  handler(args: any, context: ToolContext): unknown;
}

export interface ToolRegistry {
  /** Returns a function that removes the tool again. */
  register(tool: ToolDefinition): () => void;
  get(name: string): ToolDefinition | undefined;
  list(): ToolSpec[];
}

/** One path argument of a call, by the tool's declaration. */
export interface DeclaredPath {
  /** The argument name (`path`, `to`...). */
  arg: string;
  access: PathAccess;
  /** The value as given (not yet resolved or checked). */
  value: unknown;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const ARG_NAME = /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/;

/** The path arguments a call gives, by the tool's `access.paths` (array values are spread). */
export function declaredPaths(tool: Pick<ToolDefinition, 'access'> | undefined, args: unknown): DeclaredPath[] {
  const paths = tool?.access?.paths;
  if (paths === undefined) return [];
  const kinds: [string, PathAccess][] = typeof paths === 'string' ? [['path', paths]] : Object.entries(paths);
  const given = (typeof args === 'object' && args !== null ? args : {}) as Record<string, unknown>;
  const out: DeclaredPath[] = [];
  for (const [arg, access] of kinds) {
    const value = Object.hasOwn(given, arg) ? given[arg] : undefined;
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) out.push({ arg, access, value: one });
  }
  return out;
}

function checkAccess(tool: ToolDefinition): void {
  const access = tool.access;
  if (access === undefined) return;
  const where = `tools.register(): tool "${tool.name}" access.paths`;
  if (typeof access !== 'object' || access === null) throw new TypeError(`tools.register(): tool "${tool.name}" access must be an object like { paths: 'write' }`);
  const paths = access.paths;
  if (paths === undefined || paths === 'read' || paths === 'write') return;
  if (typeof paths !== 'object' || paths === null || Array.isArray(paths)) {
    throw new TypeError(`${where} must be 'read', 'write' or { <argument>: 'read' | 'write' } (got ${JSON.stringify(paths)})`);
  }
  for (const [arg, kind] of Object.entries(paths)) {
    if (!ARG_NAME.test(arg)) throw new TypeError(`${where}: ${JSON.stringify(arg)} is not an argument name`);
    if (kind !== 'read' && kind !== 'write') throw new TypeError(`${where}.${arg} must be 'read' or 'write' (got ${JSON.stringify(kind)})`);
  }
}

export function createToolRegistry(): ToolRegistry {
  const tools = new Map<string, ToolDefinition>();
  return {
    register(tool) {
      if (!TOOL_NAME.test(tool.name)) throw new TypeError(`tools.register(): invalid tool name ${JSON.stringify(tool.name)} (letters, digits, _ and -, at most 64)`);
      if (typeof tool.handler !== 'function') throw new TypeError(`tools.register(): tool "${tool.name}" needs a handler`);
      checkAccess(tool);
      if (tools.has(tool.name)) throw new Error(`tools.register(): tool "${tool.name}" is already registered`);
      tools.set(tool.name, tool);
      return () => {
        if (tools.get(tool.name) === tool) tools.delete(tool.name);
      };
    },
    get: (name) => tools.get(name),
    list: () => [...tools.values()].map(({ name, description, parameters }) => ({ name, description, parameters })),
  };
}

export const toolRegistryRef = createServiceRef<ToolRegistry>({
  id: 'tools',
  description: 'Tools the model may call during runs (register in setup; policy and protected paths apply to every call)',
});
