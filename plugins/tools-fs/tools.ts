/**
 * The `read`, `write` and `edit` tool definitions: JSON Schemas checked before every call, the
 * `path` argument declared (`access.paths`) so the protected-path rules apply to it, and every
 * file reached through the SDK's workspace helper (confined, protected paths re-checked).
 */
import { compileOnFirstUse } from '../../sdk/core/index.ts';
import type { PathAccess, ToolContext, ToolDefinition } from '../../sdk/agent/index.ts';
import { FsToolError, type WorkspaceFiles } from '../../sdk/workspace/index.ts';
import { toolErrors } from '../../sdk/agent/index.ts';

export interface FsToolOptions {
  maxReadBytes: number;
  maxWriteBytes: number;
}

const PATH = { type: 'string', minLength: 1, maxLength: 4096, description: 'File path relative to the workspace.' };

export function createFsTools(files: WorkspaceFiles, options: FsToolOptions): ToolDefinition[] {
  const tool = <A>(name: string, description: string, access: PathAccess, parameters: object, run: (args: A, context: ToolContext) => Promise<unknown>): ToolDefinition => {
    const validate = compileOnFirstUse(parameters);
    return {
      name, description, parameters,
      access: { paths: { path: access } },
      handler: async (args: unknown, context: ToolContext) => {
        if (!validate(args)) {
          const first = validate.errors?.[0];
          throw new FsToolError(toolErrors.MOLT_ERR_TOOL_INVALID_ARGS, `${name}: ${first?.instancePath || 'arguments'} ${first?.message ?? 'are invalid'}`);
        }
        return run(args as A, context);
      },
    };
  };
  return [
    tool<{ path: string }>('read', 'Read a UTF-8 text file of the workspace.', 'read', {
      type: 'object', additionalProperties: false, required: ['path'], properties: { path: PATH },
    }, ({ path }, context) => files.read(path, context, { maxBytes: options.maxReadBytes })),
    tool<{ path: string; content: string }>('write', 'Create or replace a file of the workspace (atomic).', 'write', {
      type: 'object', additionalProperties: false, required: ['path', 'content'],
      properties: { path: PATH, content: { type: 'string', description: 'The whole new content (UTF-8).' } },
    }, ({ path, content }, context) => files.write(path, content, context, { maxBytes: options.maxWriteBytes })),
    tool<{ path: string; oldText: string; newText: string }>('edit', 'Replace one exact occurrence of oldText with newText in a workspace file.', 'write', {
      type: 'object', additionalProperties: false, required: ['path', 'oldText', 'newText'],
      properties: {
        path: PATH,
        oldText: { type: 'string', minLength: 1, description: 'Text that occurs exactly once in the file.' },
        newText: { type: 'string', description: 'Replacement text.' },
      },
    }, ({ path, oldText, newText }, context) => files.edit(path, oldText, newText, context, { maxBytes: options.maxWriteBytes })),
  ];
}
