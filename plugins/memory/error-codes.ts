/** The error codes the memory plugin raises (docs/errors.md lists every code). */
import { defineErrors } from '../../sdk/core/index.ts';

export const memoryErrors = defineErrors('memory', {
  MOLT_ERR_MEMORY_PATH: {
    title: 'Not a memory file',
    fix: 'Memory files are MEMORY.md and memory/<name>.md in the workspace (e.g. memory/2026-01-31.md).',
  },
  MOLT_ERR_MEMORY_OTHER_AGENT: {
    title: 'Memory is kept for the main agent only',
    fix: 'The memory plugin indexes the main workspace; an agent of agents.list with its own workspace gets no memory tools and no MEMORY.md in its prompt (set its memory.enabled to false to stop offering the tools).',
  },
});
