/**
 * The `tools` service: tools the model may call during runs. Other plugins register theirs
 * (`ctx.use('tools').register({...})` in setup); the tools issue builds policies on it.
 */
import type { ToolSpec } from './types.ts';

export interface ToolContext {
  runId: string;
  sessionKey: string;
  /** Aborted when the run is aborted or times out. */
  signal: AbortSignal;
}

export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments (sent to the model). */
  parameters: object;
  handler(args: any, context: ToolContext): unknown;
}

export interface ToolRegistry {
  /** Returns a function that removes the tool again. */
  register(tool: ToolDefinition): () => void;
  get(name: string): ToolDefinition | undefined;
  list(): ToolSpec[];
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export function createToolRegistry(): ToolRegistry {
  const tools = new Map<string, ToolDefinition>();
  return {
    register(tool) {
      if (!TOOL_NAME.test(tool.name)) throw new TypeError(`tools.register(): invalid tool name ${JSON.stringify(tool.name)} (letters, digits, _ and -, at most 64)`);
      if (typeof tool.handler !== 'function') throw new TypeError(`tools.register(): tool "${tool.name}" needs a handler`);
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
