/**
 * One model call with the failover chain: executes FAILOVER_POLICY row by row. Streams text
 * to `onText` as it arrives (a retry or failover starts a new `attempt`: clients drop the
 * partial text of the previous one).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentError } from '../../sdk/agent/index.ts';
import { FAILOVER_POLICY, jitteredDelay } from './failover-policy.ts';
import { ModelCallError } from '../../sdk/agent/index.ts';
import type { ModelHealth } from './model-health.ts';
import { resolveModel, splitRef, type ProviderConfig, type ResolvedModel } from '../../sdk/agent/index.ts';
import type { TraceRecorder } from './trace.ts';
import type { ChatMessage, ModelApi, ToolCallRecord, ToolSpec, Usage } from '../../sdk/agent/index.ts';

export interface FailoverSettings {
  chain: readonly string[];
  providers: Readonly<Record<string, ProviderConfig>>;
  env: Readonly<Record<string, string | undefined>>;
  attemptTimeoutMs: number;
  defaultCooldownMs: number;
  retryDelayMs: number;
  maxTokens: number;
  apiFor(api: string): ModelApi | undefined;
  health: ModelHealth;
  /** Called when every model failed (an `alert`). */
  onExhausted(message: string, retryAt: number | undefined): void;
  /** Called after every successful call (resolves the alert). */
  onSucceeded?(): void;
  /** Last step before the wire: image parts loaded for models that take images, else replaced by a note. */
  prepare?(providerId: string, messages: ChatMessage[]): Promise<ChatMessage[]>;
}

export interface ModelRequestInput {
  system?: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  signal: AbortSignal;
  trace: TraceRecorder;
  onText(text: string, attempt: number): void;
  /** Shrinks the context after a context-length error; false when nothing is left to compact. */
  compact(): Promise<ChatMessage[] | undefined>;
  /** `modelRequest` waterfall / `modelResponse` hook. */
  beforeCall?(model: string, messages: ChatMessage[]): Promise<ChatMessage[]>;
  afterCall?(model: string, result: ModelResult): Promise<void>;
  /**
   * `agent.modelOutput`: asked after each streamed piece with the output tokens so far
   * (estimated); an error ends the call at once and the run with that error.
   */
  onOutput?(model: string, attempt: number, messages: ChatMessage[], outputTokens: number): Error | undefined;
  /** Input tokens of a prompt, estimated (the usage reported for a stopped call). */
  estimateInput?(messages: ChatMessage[]): number;
}

/** A call stopped by a `modelOutput` verdict: what it had produced, and the run's error. */
class OutputStopped extends Error {
  readonly reason: Error;
  readonly partial: ModelResult;
  constructor(reason: Error, partial: ModelResult) {
    super(reason.message);
    this.reason = reason;
    this.partial = partial;
  }
}

/** Tokens of streamed output, estimated at ≈ 4 characters a token (what providers average for English). */
const tokensOf = (chars: number) => Math.ceil(chars / 4);

export interface ModelResult {
  ref: string;
  text: string;
  toolCalls: ToolCallRecord[];
  stopReason: string;
  usage: Usage;
}

export async function callWithFailover(settings: FailoverSettings, input: ModelRequestInput): Promise<ModelResult> {
  const failures: string[] = [];
  let earliest: number | undefined;
  let attempt = 0;
  let messages = input.messages;
  const note = (until: number | undefined) => {
    if (until !== undefined && (earliest === undefined || until < earliest)) earliest = until;
  };
  for (const ref of settings.chain) {
    let provider: string;
    try {
      provider = splitRef(ref).providerId;
    } catch (error) {
      failures.push(`${ref}: ${(error as Error).message}`);
      continue;
    }
    const blocked = settings.health.blocked(ref, provider);
    if (blocked !== undefined) {
      note(blocked.until);
      failures.push(`${ref}: ${blocked.reason}`);
      input.trace.add('failover', { from: ref, reason: blocked.reason });
      continue;
    }
    let retried = false;
    let compacted = false;
    for (;;) {
      attempt++;
      try {
        const resolved = resolveModel(ref, settings.providers, settings.env);
        const api = settings.apiFor(resolved.api);
        if (api === undefined) throw new ModelCallError('not_configured', `no provider plugin for api "${resolved.api}": add "provider-${resolved.api}" to plugins`);
        const hooked = input.beforeCall ? await input.beforeCall(ref, messages) : messages;
        const sent = settings.prepare ? await settings.prepare(provider, hooked) : hooked;
        const result = await attemptOnce(api, resolved, settings, input, sent, attempt).catch((error: unknown) => {
          throw redactKey(error, resolved.apiKey);
        });
        settings.health.succeeded(ref);
        settings.onSucceeded?.();
        if (input.afterCall) await input.afterCall(ref, result);
        return result;
      } catch (error) {
        if (error instanceof OutputStopped) {
          // What was streamed was paid for: report it before the run ends.
          input.trace.addUsage(error.partial.usage);
          input.trace.add('model.end', { model: ref, stopReason: 'stopped', reason: error.reason.message, tokens: error.partial.usage });
          if (input.afterCall) await input.afterCall(ref, error.partial);
          throw error.reason;
        }
        if (!(error instanceof ModelCallError)) throw error;
        if (input.signal.aborted) throw new AgentError('ABORTED', 'the run was aborted', { cause: error });
        settings.health.failed(ref, error.message);
        const row = FAILOVER_POLICY[error.errorClass];
        input.trace.add('model.error', { model: ref, errorClass: error.errorClass, action: row.action, ...(error.status ? { status: error.status } : {}), message: error.message });
        if (row.action === 'stop') throw new AgentError('ABORTED', 'the run was aborted', { cause: error });
        if (row.action === 'compact-retry') {
          const smaller = compacted ? undefined : await input.compact();
          if (smaller === undefined) throw new AgentError('CONTEXT_TOO_LONG', `the conversation exceeds the context window of ${ref} even after compaction`, { cause: error });
          compacted = true;
          messages = smaller;
          continue;
        }
        if (row.action === 'retry-once-next' && !retried) {
          retried = true;
          const delay = jitteredDelay(settings.retryDelayMs);
          input.trace.add('retry', { model: ref, delayMs: delay, errorClass: error.errorClass });
          await sleep(delay, undefined, { signal: input.signal }).catch(() => undefined);
          if (input.signal.aborted) throw new AgentError('ABORTED', 'the run was aborted');
          continue;
        }
        if (row.action === 'cooldown-next') {
          const until = settings.health.cooldown(ref, error.retryAfterMs ?? settings.defaultCooldownMs, error.message);
          note(until);
        } else if (row.action === 'disable-credential-next') {
          settings.health.disableCredential(provider, error.message);
        }
        failures.push(`${ref}: ${error.message}`);
        input.trace.add('failover', { from: ref, errorClass: error.errorClass });
        break;
      }
    }
  }
  const retryText = earliest === undefined ? '' : `; earliest retry at ${new Date(earliest).toISOString()}`;
  const message = `every model failed (${settings.chain.join(', ')})${retryText}: ${failures.join('; ')}`;
  settings.onExhausted(message, earliest);
  throw new AgentError('MODELS_UNAVAILABLE', message, {
    ...(earliest !== undefined ? { retryAfterMs: Math.max(1, earliest - Date.now()) } : {}),
    details: { failures, ...(earliest !== undefined ? { retryAt: earliest } : {}) },
  });
}

async function attemptOnce(api: ModelApi, resolved: ResolvedModel, settings: FailoverSettings, input: ModelRequestInput, messages: ChatMessage[], attempt: number): Promise<ModelResult> {
  const started = performance.now();
  input.trace.add('model.start', { model: resolved.ref, attempt });
  let text = '';
  const toolCalls: ToolCallRecord[] = [];
  let outputChars = 0;
  const check = () => {
    if (input.onOutput === undefined) return;
    const reason = input.onOutput(resolved.ref, attempt, messages, tokensOf(outputChars));
    if (reason === undefined) return;
    const usage = { input: input.estimateInput?.(messages) ?? 0, output: tokensOf(outputChars) };
    throw new OutputStopped(reason, { ref: resolved.ref, text, toolCalls, stopReason: 'stopped', usage });
  };
  try {
    for await (const event of api.stream({
      model: resolved.model,
      ...(input.system !== undefined ? { system: input.system } : {}),
      messages,
      ...(input.tools && input.tools.length > 0 ? { tools: input.tools } : {}),
      maxTokens: settings.maxTokens,
      apiKey: resolved.apiKey,
      ...(resolved.baseURL !== undefined ? { baseURL: resolved.baseURL } : {}),
      timeoutMs: settings.attemptTimeoutMs,
      signal: input.signal,
    })) {
      if (event.type === 'text') {
        text += event.text;
        input.onText(event.text, attempt);
        outputChars += event.text.length;
        check();
      } else if (event.type === 'tool_call') {
        outputChars += event.call.name.length + JSON.stringify(event.call.args ?? null).length;
        check();
        toolCalls.push(event.call);
      } else {
        input.trace.addUsage(event.usage);
        input.trace.model = resolved.ref;
        input.trace.add('model.end', { model: resolved.ref, attempt, stopReason: event.stopReason, tokens: event.usage });
        return { ref: resolved.ref, text, toolCalls, stopReason: event.stopReason, usage: event.usage };
      }
    }
    throw new ModelCallError('overloaded', 'the provider stream ended without a result');
  } finally {
    input.trace.modelCallTime += performance.now() - started;
  }
}

/** A provider may echo the key it refused (some do, partly masked): it never leaves this function. */
function redactKey(error: unknown, key: string): unknown {
  if (!(error instanceof ModelCallError) || key.length < 4 || !error.message.includes(key)) return error;
  return new ModelCallError(error.errorClass, error.message.replaceAll(key, '[redacted]'), {
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
  });
}
