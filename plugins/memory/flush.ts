/**
 * The pre-compaction flush: before the agent folds older turns of a session into a summary
 * (agent.beforeCompaction), the model gets one silent turn with the memory tools and is asked
 * to save what must outlive the fold. Nothing of that turn reaches the user or the transcript.
 */
import type { BeforeCompaction } from '../../sdk/agent/index.ts';
import { MEMORY_TOOLS } from './memory-tools.ts';

export const FLUSH_INSTRUCTION =
  '[Memory flush before compaction] The older part of this conversation is about to be summarized and ' +
  'removed from your context. Save every durable fact worth keeping (decisions, preferences, names, dates, ' +
  'open tasks) that is not already in memory, with memory_write (today\'s file by default; MEMORY.md for ' +
  'lasting facts about the user). Do not answer the user. When done, or if nothing needs saving, reply NO_REPLY.';

export async function flushBeforeCompaction(event: BeforeCompaction, maxRounds: number): Promise<string> {
  return event.flush({ instruction: FLUSH_INSTRUCTION, tools: MEMORY_TOOLS, maxRounds });
}
