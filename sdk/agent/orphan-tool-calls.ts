/**
 * Repairs a transcript a crash cut short: every session store (file, Redis, a third party's)
 * closes the tool calls that never got a result the same way, so the next model call sees a
 * valid history.
 */
import type { TranscriptEntry } from './types.ts';

/** Tool calls of assistant messages that have no tool result after them. */
export function orphanToolCalls(entries: readonly TranscriptEntry[]): { id: string; name: string; runId?: string }[] {
  const answered = new Set<string>();
  for (const entry of entries) if (entry.kind === 'message' && entry.role === 'tool') answered.add(entry.toolCallId);
  const orphans: { id: string; name: string; runId?: string }[] = [];
  for (const entry of entries) {
    if (entry.kind !== 'message' || entry.role !== 'assistant' || entry.toolCalls === undefined) continue;
    for (const call of entry.toolCalls) {
      if (!answered.has(call.id)) orphans.push({ id: call.id, name: call.name, ...(entry.runId ? { runId: entry.runId } : {}) });
    }
  }
  return orphans;
}

/**
 * Error results for the tool calls a crash left without one, so the transcript is valid for the
 * model again (every store appends them on load, once).
 */
export function closeOrphanToolCalls(entries: readonly TranscriptEntry[], now = Date.now()): TranscriptEntry[] {
  return orphanToolCalls(entries).map((orphan, i) => ({
    kind: 'message', id: `repair-${now}-${i}`, at: now, ...(orphan.runId ? { runId: orphan.runId } : {}),
    role: 'tool', toolCallId: orphan.id, name: orphan.name, isError: true,
    content: 'The tool call was interrupted (the process stopped before it finished); its result is unknown.',
  }));
}
