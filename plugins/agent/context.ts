/**
 * The model's view of a session: the latest summary (if any) stands in for everything before
 * its `firstKeptId`, then the messages from there on. Token counts are estimates (4 chars per
 * token) used only to decide when to compact before the provider refuses.
 */
import type { ChatMessage, MessageEntry, TranscriptEntry } from '../../sdk/agent/index.ts';

export interface SessionContext {
  messages: ChatMessage[];
  /** Message entries in the context (ids for choosing a compaction cut). */
  entries: MessageEntry[];
}

export const SUMMARY_PREFIX = '[Summary of the earlier conversation]\n';

export function buildContext(transcript: readonly TranscriptEntry[]): SessionContext {
  let start = 0;
  let summary: string | undefined;
  for (let i = transcript.length - 1; i >= 0; i--) {
    const entry = transcript[i]!;
    if (entry.kind !== 'summary') continue;
    summary = entry.content;
    const kept = transcript.findIndex((e) => e.id === entry.firstKeptId);
    start = kept === -1 ? i + 1 : kept;
    break;
  }
  const entries = transcript.slice(start).filter((e): e is MessageEntry => e.kind === 'message');
  const messages: ChatMessage[] = summary === undefined ? [] : [{ role: 'user', content: `${SUMMARY_PREFIX}${summary}` }];
  for (const entry of entries) messages.push(toChatMessage(entry));
  return { messages, entries };
}

export function toChatMessage(entry: MessageEntry): ChatMessage {
  if (entry.role === 'tool') return { role: 'tool', content: entry.content, toolCallId: entry.toolCallId, name: entry.name, ...(entry.isError ? { isError: true } : {}) };
  if (entry.role === 'assistant') return { role: 'assistant', content: entry.content, ...(entry.toolCalls ? { toolCalls: entry.toolCalls } : {}) };
  const images = (entry.media ?? []).filter((media) => media.kind === 'image');
  if (images.length === 0) return { role: 'user', content: entry.content };
  return { role: 'user', content: entry.content, parts: images.map((media) => ({ type: 'image' as const, mimeType: media.mimeType, file: media.file, name: media.name })) };
}

export function estimateTokens(messages: readonly ChatMessage[], system = ''): number {
  let chars = system.length;
  for (const message of messages) {
    chars += message.content.length + 8;
    if (message.toolCalls) chars += JSON.stringify(message.toolCalls).length;
  }
  return Math.ceil(chars / 4);
}

/**
 * Where to cut: keep the last `keep` messages at least, starting at a user message so a tool
 * call and its result are never separated. Undefined when there is nothing older to fold.
 */
export function compactionCut(entries: readonly MessageEntry[], keep: number): number | undefined {
  for (let i = Math.max(1, entries.length - keep); i > 0; i--) {
    if (entries[i]!.role === 'user') return i;
  }
  return undefined;
}
