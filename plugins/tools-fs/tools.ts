/** The `read`, `write` and `edit` tool definitions: JSON Schemas checked before every call. */
import { compileSchema } from '../../sdk/core/index.ts';
import type { ToolDefinition } from '../agent/tool-registry.ts';
import { FsToolError } from './errors.ts';
import { editWorkspaceFile, readWorkspaceFile, writeWorkspaceFile } from './file-ops.ts';

export interface FsToolOptions {
  maxReadBytes: number;
  maxWriteBytes: number;
}

const PATH = { type: 'string', minLength: 1, maxLength: 4096, description: 'File path relative to the workspace.' };

export function createFsTools(workspace: () => string, options: FsToolOptions): ToolDefinition[] {
  const tool = <A>(name: string, description: string, parameters: object, run: (args: A) => Promise<unknown>): ToolDefinition => {
    const validate = compileSchema(parameters);
    return {
      name, description, parameters,
      handler: async (args: unknown) => {
        if (!validate(args)) {
          const first = validate.errors?.[0];
          throw new FsToolError('MOLT_ERR_TOOL_INVALID_ARGS', `${name}: ${first?.instancePath || 'arguments'} ${first?.message ?? 'are invalid'}`);
        }
        return run(args as A);
      },
    };
  };
  return [
    tool<{ path: string }>('read', 'Read a UTF-8 text file of the workspace.', {
      type: 'object', additionalProperties: false, required: ['path'], properties: { path: PATH },
    }, ({ path }) => readWorkspaceFile(workspace(), path, options.maxReadBytes)),
    tool<{ path: string; content: string }>('write', 'Create or replace a file of the workspace (atomic).', {
      type: 'object', additionalProperties: false, required: ['path', 'content'],
      properties: { path: PATH, content: { type: 'string', description: 'The whole new content (UTF-8).' } },
    }, async ({ path, content }) => writeWorkspaceFile(workspace(), path, content, options.maxWriteBytes)),
    tool<{ path: string; oldText: string; newText: string }>('edit', 'Replace one exact occurrence of oldText with newText in a workspace file.', {
      type: 'object', additionalProperties: false, required: ['path', 'oldText', 'newText'],
      properties: {
        path: PATH,
        oldText: { type: 'string', minLength: 1, description: 'Text that occurs exactly once in the file.' },
        newText: { type: 'string', description: 'Replacement text.' },
      },
    }, ({ path, oldText, newText }) => editWorkspaceFile(workspace(), path, oldText, newText, options.maxWriteBytes)),
  ];
}
