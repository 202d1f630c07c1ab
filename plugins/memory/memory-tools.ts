/**
 * The memory tools: `memory_search` (ranked snippets with file and line), `memory_get` (lines
 * of one memory file) and `memory_write` (appends to today's daily file, or MEMORY.md, by an
 * atomic rewrite). Files are named relative to the workspace and checked by `memoryPath`.
 */
import { mkdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../sdk/core/index.ts';
import { MoltbotError, isMoltbotError } from '../../sdk/core/index.ts';
import type { ToolDefinition } from '../../sdk/agent/index.ts';
import { isInside, readWorkspaceFile, workspaceErrors } from '../../sdk/workspace/index.ts';
import type { MemoryIndex } from './memory-index.ts';
import { dailyFile, memoryPath } from './memory-files.ts';
import { memoryErrors } from './error-codes.ts';
import { toolErrors } from '../../sdk/agent/index.ts';

export interface MemoryToolOptions {
  maxResults: number;
  maxSnippetChars: number;
  maxGetLines: number;
  maxWriteChars: number;
  maxFileBytes: number;
}

export const MEMORY_TOOLS = Object.freeze(['memory_search', 'memory_get', 'memory_write']);

/** An optional integer argument, clamped to [min, max]; `fallback` when absent or not an integer. */
const intArg = (value: unknown, min: number, max: number, fallback: number): number =>
  typeof value === 'number' && Number.isInteger(value) ? Math.min(Math.max(value, min), max) : fallback;

const invalid = (message: string) => new MoltbotError(toolErrors.MOLT_ERR_TOOL_INVALID_ARGS, { message, plugin: 'memory' });

async function readMemory(workspace: string, file: string, maxBytes: number): Promise<string | undefined> {
  try {
    return await readWorkspaceFile(workspace, file, maxBytes, 'file');
  } catch (error) {
    if (isMoltbotError(error, workspaceErrors.MOLT_ERR_TOOL_NOT_FOUND)) return undefined;
    throw error;
  }
}

/** Appends `text` to a memory file (created when missing); returns where it landed. */
export async function appendMemory(workspace: string, file: string, text: string, maxBytes: number, now = new Date()): Promise<{ file: string; line: number }> {
  await mkdir(workspace, { recursive: true, mode: 0o700 });
  const real = await realpath(workspace);
  if (file.startsWith('memory/')) {
    await mkdir(join(real, 'memory'), { recursive: true, mode: 0o700 });
    if (!isInside(real, await realpath(join(real, 'memory')))) throw new MoltbotError(memoryErrors.MOLT_ERR_MEMORY_PATH, { message: 'the workspace memory/ folder leads outside the workspace (symlink)', plugin: 'memory' });
  }
  const existing = await readMemory(real, file, maxBytes);
  const head = existing ?? (file === dailyFile(now) ? `# ${file.slice(7, -3)}\n` : '');
  const separator = head === '' ? '' : head.endsWith('\n\n') ? '' : head.endsWith('\n') ? '\n' : '\n\n';
  const content = `${head}${separator}${text.trim()}\n`;
  if (Buffer.byteLength(content) > maxBytes) throw invalid(`${file} would grow over ${maxBytes} bytes (option maxFileBytes); write to another memory file`);
  await writeFileAtomic(join(real, file), content, { mode: 0o600 });
  return { file, line: `${head}${separator}`.split('\n').length };
}

/** The memory of one agent: its workspace and the index of that workspace's memory files. */
export interface AgentMemory {
  workspace: string;
  index: MemoryIndex;
}

/** `memoryOf(sessionKey)`: the calling session's agent's memory (each agent has its own). */
export function createMemoryTools(memoryOf: (sessionKey: string) => AgentMemory, options: MemoryToolOptions): ToolDefinition[] {
  return [
    {
      name: 'memory_search',
      description: 'Search long-term memory (MEMORY.md and memory/*.md daily notes). Returns ranked snippets with file and line; read more with memory_get.',
      parameters: {
        type: 'object', additionalProperties: false, required: ['query'],
        properties: {
          query: { type: 'string', description: 'Words to look for.' },
          limit: { type: 'integer', minimum: 1, maximum: options.maxResults, description: `Most results (default 5, at most ${options.maxResults}).` },
        },
      },
      async handler(args: { query?: unknown; limit?: unknown }, context) {
        const { index } = memoryOf(context.sessionKey);
        if (typeof args?.query !== 'string' || args.query.trim() === '') throw invalid('memory_search: "query" must be a non-empty string');
        const limit = intArg(args.limit, 1, options.maxResults, Math.min(5, options.maxResults));
        await index.sync();
        const results = await index.search(args.query.slice(0, 500), limit, options.maxSnippetChars);
        return { results };
      },
    },
    {
      name: 'memory_get',
      description: 'Read lines of a memory file (MEMORY.md or memory/<name>.md), e.g. around a memory_search hit.',
      parameters: {
        type: 'object', additionalProperties: false, required: ['file'],
        properties: {
          file: { type: 'string', description: 'MEMORY.md or memory/<name>.md' },
          from: { type: 'integer', minimum: 1, description: 'First line (1-based, default 1).' },
          lines: { type: 'integer', minimum: 1, maximum: options.maxGetLines, description: `How many lines (default and most: ${options.maxGetLines}).` },
        },
      },
      async handler(args: { file?: unknown; from?: unknown; lines?: unknown }, context) {
        const file = memoryPath(args?.file);
        const from = intArg(args.from, 1, Number.MAX_SAFE_INTEGER, 1);
        const count = intArg(args.lines, 1, options.maxGetLines, options.maxGetLines);
        const content = await readMemory(memoryOf(context.sessionKey).workspace, file, options.maxFileBytes);
        if (content === undefined) throw new MoltbotError(workspaceErrors.MOLT_ERR_TOOL_NOT_FOUND, { message: `${file} does not exist yet`, plugin: 'memory' });
        const all = content.split(/\r?\n/);
        if (all.at(-1) === '') all.pop();
        const slice = all.slice(from - 1, from - 1 + count);
        return { file, from, to: from - 1 + slice.length, totalLines: all.length, text: slice.join('\n') };
      },
    },
    {
      name: 'memory_write',
      description: "Save a durable fact or note to long-term memory. Appends to today's memory/YYYY-MM-DD.md unless file says otherwise (MEMORY.md for lasting facts about the user).",
      parameters: {
        type: 'object', additionalProperties: false, required: ['text'],
        properties: {
          text: { type: 'string', description: 'Markdown to append (a sentence or a few bullet points).' },
          file: { type: 'string', description: "MEMORY.md or memory/<name>.md (default: today's daily file)." },
        },
      },
      async handler(args: { text?: unknown; file?: unknown }, context) {
        if (typeof args?.text !== 'string' || args.text.trim() === '') throw invalid('memory_write: "text" must be a non-empty string');
        if (args.text.length > options.maxWriteChars) throw invalid(`memory_write: "text" is longer than ${options.maxWriteChars} characters; write a shorter note`);
        const file = args.file === undefined ? dailyFile() : memoryPath(args.file);
        const text = args.text;
        const { workspace, index } = memoryOf(context.sessionKey);
        return index.exclusive(async () => {
          const written = await appendMemory(workspace, file, text, options.maxFileBytes);
          await index.syncNow();
          return { ...written, saved: true };
        });
      },
    },
  ];
}
