/** The error codes the memory plugin raises (docs/errors.md lists every code). */
import { defineErrors } from '../../sdk/core/index.ts';

export const memoryErrors = defineErrors('memory', {
  MOLT_ERR_MEMORY_PATH: {
    title: 'Not a memory file',
    fix: 'Memory files are MEMORY.md and memory/<name>.md in the workspace (e.g. memory/2026-01-31.md).',
  },
});
