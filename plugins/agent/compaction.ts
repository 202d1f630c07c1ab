/**
 * Context compaction: older turns are summarized by the model (through the same failover
 * chain) into a `summary` entry; the transcript keeps every original line. Runs before the
 * context limit (estimate over agent.compactAt × agent.contextTokens) and after a provider's
 * context-length error; never a reason to fail over.
 */
import { randomUUID } from 'node:crypto';
import { buildContext, compactionCut, estimateTokens, SUMMARY_PREFIX } from './context.ts';
import type { ChatMessage, TranscriptEntry } from '../../sdk/agent/index.ts';

export const SUMMARY_INSTRUCTION =
  'Summarize the conversation above for your own later use: facts, decisions, open questions, ' +
  'names and numbers that matter. Write plain prose, at most 300 words. Do not call tools.';

export interface CompactionInput {
  transcript: readonly TranscriptEntry[];
  runId: string;
  keepMessages: number;
  summarize(messages: ChatMessage[]): Promise<string>;
}

/** The summary entry to append, or undefined when there is nothing older to fold. */
export async function compact(input: CompactionInput): Promise<TranscriptEntry | undefined> {
  const context = buildContext(input.transcript);
  const cut = compactionCut(context.entries, input.keepMessages);
  if (cut === undefined) return undefined;
  const older = context.messages.slice(0, context.messages.length - (context.entries.length - cut));
  const summary = await input.summarize([...older, { role: 'user', content: SUMMARY_INSTRUCTION }]);
  return {
    kind: 'summary',
    id: randomUUID(),
    at: Date.now(),
    runId: input.runId,
    content: summary.startsWith(SUMMARY_PREFIX) ? summary.slice(SUMMARY_PREFIX.length) : summary,
    firstKeptId: context.entries[cut]!.id,
    tokensBefore: estimateTokens(context.messages),
  };
}
