/**
 * User tools: `<workspace>/tools/<name>.mjs`, default export `{ description, parameters,
 * run(args, host) }`. The gateway never imports them: the source is read (no-follow, regular
 * file, size-capped), described and run inside the sandbox, and arguments are checked against
 * the tool's own JSON Schema before every call — in the sandbox worker, never here: the schema
 * is untrusted too, and ajv runs it synchronously (args-check.ts).
 */
import { constants } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SandboxError } from './errors.ts';
import type { ToolDefinition, UserTool, UserToolProblem } from '../../sdk/agent/index.ts';
import type { SandboxPool } from './pool.ts';

const TOOL_FILE = /^([a-z][a-z0-9_-]{0,63})\.mjs$/;



export async function loadUserTools(
  workspace: string,
  pool: SandboxPool,
  maxSourceBytes: number,
): Promise<{ tools: UserTool[]; problems: UserToolProblem[] }> {
  const dir = join(workspace, 'tools');
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    return { tools: [], problems: [] };
  }
  const tools: UserTool[] = [];
  const problems: UserToolProblem[] = [];
  for (const entry of names) {
    const match = TOOL_FILE.exec(entry);
    if (match === null) continue;
    const file = `tools/${entry}`;
    try {
      const source = await readToolSource(join(dir, entry), maxSourceBytes);
      const { description, parameters } = await pool.describe(source, file);
      const name = match[1] as string;
      // The worker already compiled it while describing (a schema that does not compile fails there).
      const schema = { tool: name, json: JSON.stringify(parameters) };
      tools.push({
        name, description, parameters, file,
        invoke: (args, sessionKey) => pool.run({ source, filename: file, args, schema, ...(sessionKey === undefined ? {} : { sessionKey }) }),
      });
    } catch (error) {
      problems.push({ file, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { tools, problems };
}

/** Opens without following a symlink and reads at most `maxBytes` of a regular file. */
export async function readToolSource(path: string, maxBytes: number): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new SandboxError('MOLT_ERR_SANDBOX_INVALID_TOOL', 'a tool must be a regular file');
    if (stat.size > maxBytes) throw new SandboxError('MOLT_ERR_SANDBOX_SOURCE_TOO_LARGE', `tool source is ${stat.size} bytes; the limit is ${maxBytes}`);
    const buffer = Buffer.alloc(maxBytes + 1);
    const { bytesRead } = await handle.read(buffer, 0, maxBytes + 1, 0);
    if (bytesRead > maxBytes) throw new SandboxError('MOLT_ERR_SANDBOX_SOURCE_TOO_LARGE', `tool source is over ${maxBytes} bytes`);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** A registry entry whose handler runs `source` in the sandbox for the calling session; the worker checks the arguments first. */
export function sandboxedTool(pool: SandboxPool, tool: { name: string; description: string; parameters: object; source: string }): ToolDefinition {
  const schema = { tool: tool.name, json: JSON.stringify(tool.parameters) };
  return {
    name: tool.name,
    description: tool.description,
    parameters: tool.parameters,
    handler: async (args: unknown, context: { sessionKey?: string }) => {
      const result = await pool.run({ source: tool.source, filename: `plugin-tool:${tool.name}`, args, schema, ...(context.sessionKey === undefined ? {} : { sessionKey: context.sessionKey }) });
      return result.value;
    },
  };
}
