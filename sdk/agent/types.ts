/**
 * The contracts between the agent and the plugins around it: the transcript entry format, the
 * `session-store` service (file store now, Redis later: same interface) and the model API a
 * provider plugin implements.
 */

export interface ToolCallRecord {
  id: string;
  name: string;
  args: unknown;
}

export interface Usage {
  /** Input tokens billed at the full rate (cache reads excluded). */
  input: number;
  output: number;
  /** Input tokens read from the provider's prompt cache (billed at the cached rate), when reported. */
  cached?: number;
}

/**
 * A media file a user sent, stored under the state directory (see `mediaDir` in
 * moltbot/plugin-sdk/channels). Transcripts and chat messages carry this reference, never the
 * bytes: a transcript stays readable and small; the agent loads an image only to send it.
 * Added after v1.
 */
export interface MediaRef {
  kind: 'image' | 'audio' | 'video' | 'document' | 'other';
  /** Sniffed from the content, not the name or the platform's label. */
  mimeType: string;
  /** The name the sender gave it (or the platform's kind: `photo`, `voice`). */
  name: string;
  size: number;
  /** Path relative to the state directory, `/`-separated. */
  file: string;
}

/**
 * A non-text part of a chat message (added after v1). `data` (base64) is filled by the agent
 * right before a model call, for models that take images; a provider that finds no `data`
 * sends nothing for the part (the message text names the file).
 */
export interface ImagePart {
  type: 'image';
  mimeType: string;
  /** The stored file (MediaRef.file). */
  file: string;
  name?: string;
  data?: string;
}

export type MessagePart = ImagePart;

/** One line of a session transcript (JSONL). */
export type TranscriptEntry =
  | { kind: 'message'; id: string; at: number; runId?: string; role: 'user'; content: string; media?: MediaRef[] }
  | { kind: 'message'; id: string; at: number; runId?: string; role: 'assistant'; content: string; toolCalls?: ToolCallRecord[]; model?: string; usage?: Usage }
  | { kind: 'message'; id: string; at: number; runId?: string; role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean }
  /** Replaces every message before entry `firstKeptId` in the model's context. */
  | { kind: 'summary'; id: string; at: number; runId?: string; content: string; firstKeptId: string; tokensBefore: number }
  | { kind: 'trace'; id: string; at: number; runId: string; trace: RunTrace };

export type MessageEntry = Extract<TranscriptEntry, { kind: 'message' }>;

export interface TraceEvent {
  /** ms since the run started. */
  t: number;
  type: 'run.start' | 'model.start' | 'model.end' | 'model.error' | 'retry' | 'failover' | 'compaction' | 'tool.start' | 'tool.end' | 'run.end';
  [key: string]: unknown;
}

export interface RunTrace {
  runId: string;
  sessionKey: string;
  startedAt: number;
  status: 'ok' | 'error' | 'aborted';
  totalDuration: number;
  modelCallTime: number;
  toolExecutionTime: number;
  tokenUsage: Usage;
  model?: string;
  error?: string;
  events: TraceEvent[];
}

export interface SessionSummary {
  key: string;
  agentId: string;
  createdAt: number;
  updatedAt: number;
  messageCount: number;
  tokenCount: Usage;
  /** Transcript bytes on disk. */
  size: number;
  metadata: Record<string, unknown>;
}

export interface SessionInspect extends SessionSummary {
  lastModified: number;
  file: string;
}

export interface LoadedSession {
  entries: TranscriptEntry[];
  /** What load() repaired on disk (torn tail dropped, orphan tool calls closed). */
  repaired: string[];
  /** With `{ repair: false }`: what a repairing load would fix (nothing was written). */
  needsRepair?: string[];
}

export interface SessionStore {
  /** Resolves once the entries are durable (fsynced); concurrent appends share fsyncs. */
  append(agentId: string, key: string, entries: TranscriptEntry[]): Promise<void>;
  /**
   * Reads a session. By default it also repairs what a crash left (and writes the repair);
   * `{ repair: false }` only reads — for readers that do not hold the session's run slot
   * (history), so they never write into a session a run is writing to.
   */
  load(agentId: string, key: string, options?: { repair?: boolean }): Promise<LoadedSession>;
  list(agentId: string): Promise<SessionSummary[]>;
  inspect(agentId: string, key: string): Promise<SessionInspect | undefined>;
  /** Finds a run's trace (any session of the agent). */
  findTrace(agentId: string, runId: string): Promise<RunTrace | undefined>;
  /**
   * Entries stored for a session. Stores shared by several processes implement it: the agent
   * compares it with its cached transcript before each run and reloads when another instance
   * appended meanwhile.
   */
  entryCount?(agentId: string, key: string): Promise<number>;
  close(): Promise<void>;
}

/** What the agent sends a model API (provider-neutral). */
export interface ChatMessage {
  role: 'user' | 'assistant' | 'tool';
  /** The text (every reader can rely on it; `parts` only adds to it). */
  content: string;
  /** Images sent with a user message, after the text in meaning. Added after v1. */
  parts?: MessagePart[];
  toolCalls?: ToolCallRecord[];
  toolCallId?: string;
  name?: string;
  isError?: boolean;
}

export interface ToolSpec {
  name: string;
  description: string;
  parameters: object;
}

export interface ModelCall {
  /** The model id after the provider prefix (`gpt-4o`). */
  model: string;
  system?: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  maxTokens: number;
  apiKey: string;
  baseURL?: string;
  timeoutMs: number;
  signal: AbortSignal;
}

export type ModelEvent =
  | { type: 'text'; text: string }
  | { type: 'tool_call'; call: ToolCallRecord }
  | { type: 'done'; stopReason: string; usage: Usage };

/** A wire protocol (`anthropic`, `openai`), provided as service `model-api:<api>`. */
export interface ModelApi {
  readonly api: string;
  /** Environment variable holding the key when neither config nor baseURL supplies one. */
  readonly keyEnv: string;
  /** Streams one model call; throws ModelCallError on failure. */
  stream(call: ModelCall): AsyncIterable<ModelEvent>;
}
