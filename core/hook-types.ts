/**
 * Payload types of the hook catalogue. They are the contract between the plugins that call a
 * hook and the plugins that tap it; owners extend them with optional fields, never by
 * changing the meaning of an existing one.
 */

export type Scope = 'read' | 'write' | 'admin';

/** What a client presented at the gateway handshake (secrets inside: never log it whole). */
export interface AuthRequest {
  transport: 'ws' | 'http';
  remoteAddress: string;
  origin?: string;
  credential: { password?: string; token?: string };
}

/** First verdict wins (bail): return one to decide, `undefined` to let the next tap decide. */
export interface AuthVerdict {
  ok: boolean;
  /** Granted by the server from the credential, never taken from the client. */
  scopes?: Scope[];
  subject?: string;
  reason?: string;
}

export interface ConnectionInfo {
  id: string;
  remoteAddress: string;
  origin?: string;
  scopes: readonly Scope[];
  subject?: string;
}

export interface RpcContext {
  connection: ConnectionInfo;
  signal: AbortSignal;
  idempotencyKey?: string;
}

/** What the gateway's router knows about a request when it calls a route's handler. */
export interface HttpRouteContext {
  /**
   * What authentication granted (the Bearer credential's scopes and subject); absent on a
   * `public` route. Pass it to `gateway.call` to act with exactly these scopes.
   */
  readonly auth?: { readonly scopes: readonly Scope[]; readonly subject?: string };
  /** The client's address (behind trusted proxies, the forwarded one). */
  readonly remoteAddress: string;
}

export interface HttpRouteDefinition {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS';
  path: string;
  /** Required scope; routes are authenticated unless `public` is set. */
  scope?: Scope;
  public?: boolean;
  /** The gateway's router always passes `context`; it is optional so a test may call a handler with a request and response only. */
  handler(request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse, context?: HttpRouteContext): unknown;
  /**
   * The body of the errors the gateway answers for this route and for unknown paths under its
   * first path segment (401, 403, 404, 405, 429, 500), when its clients expect their own error
   * shape (the `/v1` routes: OpenAI's `{ error: { message, type, code } }`). Default: the
   * gateway's `{ ok: false, error }`.
   */
  errorBody?(status: number, error: { code: string; message: string; retryAfterMs?: number }): unknown;
}

export interface HttpRouteRegistrar {
  route(definition: HttpRouteDefinition): void;
}

export interface InboundMessage {
  channel: string;
  sender: string;
  chatType: 'dm' | 'group';
  chatId?: string;
  text: string;
  mentioned?: boolean;
  receivedAt: number;
  attachments?: { name?: string; mimeType?: string; size?: number }[];
}

/** `messageReceived` bail value: a policy that returns one drops the message. */
export interface MessageDrop {
  drop: true;
  reason: string;
}

export interface AgentRunContext {
  runId: string;
  agentId: string;
  sessionKey: string;
  model: string;
  input: string;
  systemPrompt?: string;
  tools?: string[];
  metadata: Record<string, unknown>;
}

export interface ModelRequest {
  runId: string;
  model: string;
  /** The run's agent and session (budgets are kept per agent and per session). */
  agentId?: string;
  sessionKey?: string;
  messages: { role: string; content: unknown }[];
  tools?: { name: string; description?: string; parameters?: object }[];
  maxTokens?: number;
}

export interface ModelResponse {
  runId: string;
  model: string;
  /** The run's agent and session (usage accounting groups by them). */
  agentId?: string;
  sessionKey?: string;
  stopReason?: string;
  /** `cached`: input tokens read from the prompt cache, not counted in `input`. */
  usage?: { input: number; output: number; cached?: number };
  content: unknown;
}

export interface ToolCall {
  runId?: string;
  sessionKey?: string;
  callId: string;
  name: string;
  args: unknown;
}

/** `beforeToolCall` bail value: deny the call, or rewrite its arguments. */
export type ToolCallDecision = { deny: string } | { rewrite: unknown };

export interface ToolResult {
  callId: string;
  name: string;
  ok: boolean;
  output: unknown;
  durationMs: number;
}

/** A file going out with a reply: type sniffed from the bytes, uploaded by the channel its own way. */
export interface OutboundMessageAttachment {
  /** File name shown to the recipient (no directories). */
  name: string;
  /** Sniffed from the bytes, never taken from the name. */
  mimeType: string;
  /** `image` is shown inline where the platform does (a photo); `file` is a document. */
  kind: 'image' | 'file';
  size: number;
  data: Uint8Array;
  caption?: string;
}

export interface OutboundMessage {
  channel: string;
  to: string;
  /** May be empty when the message carries attachments only. */
  text: string;
  sessionKey?: string;
  replyTo?: string;
  /** Files sent after the text, in order (added after v1; absent on text-only messages). A tap may drop some. */
  attachments?: OutboundMessageAttachment[];
}

export interface MetricsCollector {
  /** Adds a figure under `<plugin>.<name>`; values are measured, never assumed. */
  set(name: string, value: number, labels?: Record<string, string>): void;
}

export type Severity = 'info' | 'warning' | 'critical';

export interface Alert {
  id: string;
  severity: Severity;
  source: string;
  message: string;
  state: 'firing' | 'resolved';
  at: number;
  data?: Record<string, unknown>;
}

export interface Check {
  id: string;
  severity: Severity | 'ok';
  title: string;
  description: string;
  recommendation?: string;
  fix?: () => Promise<void>;
}

export interface CheckReport {
  add(check: Check): void;
}

export interface BackupSource {
  /** Name inside the archive, e.g. `sessions`. */
  name: string;
  path: string;
  plugin: string;
}

/** What `cliCommands` taps get besides the commander program. */
export interface CliContext {
  print(text: string): void;
  warn(text: string): void;
  /** Starts the kernel (every plugin) for a long-running command; resolves once ready. */
  start(): Promise<void>;
  /**
   * What would stop start() on this config (unset `${VAR}`s, failing plugin checks), without
   * starting: empty when it would get past its checks. Doctor and audit list them as findings.
   */
  problems(): Promise<Error[]>;
  /** Resolves once the kernel has closed (after SIGTERM/SIGINT or kernel.close()). */
  closed(): Promise<void>;
  setExitCode(code: number): void;
}
