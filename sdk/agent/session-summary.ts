/** A session's index row, recomputed from its transcript (the index is never the only copy). */
import type { SessionSummary, TranscriptEntry } from './types.ts';

export function emptySummary(agentId: string, key: string, now: number): SessionSummary {
  return { key, agentId, createdAt: now, updatedAt: now, messageCount: 0, tokenCount: { input: 0, output: 0 }, size: 0, metadata: {} };
}

/** Folds entries into a summary (mutates and returns it). */
export function foldEntries(summary: SessionSummary, entries: readonly TranscriptEntry[]): SessionSummary {
  for (const entry of entries) {
    if (summary.messageCount === 0 && entry.at < summary.createdAt) summary.createdAt = entry.at;
    if (entry.at > summary.updatedAt) summary.updatedAt = entry.at;
    if (entry.kind === 'message') {
      summary.messageCount++;
      if (entry.role === 'assistant') {
        if (entry.usage) {
          summary.tokenCount = { input: summary.tokenCount.input + entry.usage.input, output: summary.tokenCount.output + entry.usage.output };
        }
        if (entry.model) summary.metadata = { ...summary.metadata, lastModel: entry.model };
      }
      if (entry.runId) summary.metadata = { ...summary.metadata, lastRunId: entry.runId };
    } else if (entry.kind === 'summary') {
      summary.metadata = { ...summary.metadata, compactions: ((summary.metadata['compactions'] as number | undefined) ?? 0) + 1 };
    }
  }
  return summary;
}

export function summarize(agentId: string, key: string, entries: readonly TranscriptEntry[], size: number): SessionSummary {
  const first = entries[0]?.at ?? Date.now();
  const summary = foldEntries({ ...emptySummary(agentId, key, first), updatedAt: first }, entries);
  summary.size = size;
  return summary;
}
