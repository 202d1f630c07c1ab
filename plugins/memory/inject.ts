/**
 * MEMORY.md in the system prompt of the owner's main session (as the peer loads it at session
 * start), so lasting facts are known without a search. Main sessions only: memory is the
 * owner's, and a group chat never sees it. Bounded; a longer file is cut with a note.
 */
import type { AgentRunContext } from '../../sdk/core/index.ts';
import { isMoltbotError } from '../../sdk/core/index.ts';
import { readWorkspaceFile, workspaceErrors } from '../../sdk/workspace/index.ts';

export async function withMemoryFile(run: AgentRunContext, workspace: string, maxChars: number, maxBytes: number): Promise<AgentRunContext> {
  if (run.metadata.main !== true) return run;
  let content: string;
  try {
    content = (await readWorkspaceFile(workspace, 'MEMORY.md', maxBytes, 'file')).trim();
  } catch (error) {
    if (isMoltbotError(error, workspaceErrors.MOLT_ERR_TOOL_NOT_FOUND)) return run;
    throw error;
  }
  if (content === '') return run;
  const cut = content.length > maxChars ? `${content.slice(0, maxChars)}\n[… MEMORY.md continues; read the rest with memory_get]` : content;
  const section = `## Long-term memory (MEMORY.md)\n${cut}`;
  return { ...run, systemPrompt: run.systemPrompt === undefined ? section : `${run.systemPrompt}\n\n${section}` };
}
