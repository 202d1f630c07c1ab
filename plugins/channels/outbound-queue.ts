/**
 * One channel's outbound queue: bounded, FIFO (replies stay in order per chat), held while the
 * adapter is not `connected`, retrying retryable send errors with backoff (a `retryAfterMs`
 * from the platform wins), failing the whole message on a non-retryable one. Nothing queued
 * is dropped on a reconnect; on close what is left is reported as undelivered. A file is one
 * item like a text chunk (bounded by the same `max`), sent after the message's text.
 */
import { type Backoff, ChannelSendError, type ChannelTarget, type OutboundAttachment } from '../../sdk/channels/index.ts';

/** One queued item: a text chunk, or a file (uploaded by `sendMedia`; retried like a chunk). */
export type OutboundItem = string | OutboundAttachment;

/** Retries of one chunk while connected before the message fails (disconnected time does not count). */
export const MAX_ATTEMPTS = 10;

export class QueueFullError extends Error {
  constructor(channel: string, max: number) {
    super(`outbound queue of channel "${channel}" is full (${max} chunks waiting); the message was not queued. Raise channels.${channel}.queueSize or bring the channel back up`);
    this.name = 'QueueFullError';
  }
}

export class ChannelClosedError extends Error {
  constructor(channel: string) {
    super(`channel "${channel}" closed before the message was delivered`);
    this.name = 'ChannelClosedError';
  }
}

interface Message {
  target: ChannelTarget;
  remaining: number;
  failed: boolean;
  resolve(): void;
  reject(error: Error): void;
}

interface Chunk {
  message: Message;
  item: OutboundItem;
  index: number;
}

export interface QueueCounters {
  sent: number;
  failed: number;
  retried: number;
  dropped: number;
}

export interface OutboundQueueOptions {
  channel: string;
  max: number;
  send(target: ChannelTarget, item: OutboundItem): Promise<unknown>;
  /** Called after each chunk the adapter accepted. */
  onSent?(target: ChannelTarget, item: OutboundItem, index: number): void;
  onError?(error: unknown): void;
  backoff: Backoff;
  /** ms to wait; resolves early when aborted. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export class OutboundQueue {
  readonly counters: QueueCounters = { sent: 0, failed: 0, retried: 0, dropped: 0 };
  readonly #options: OutboundQueueOptions;
  readonly #chunks: Chunk[] = [];
  readonly #stop = new AbortController();
  #connected = false;
  #wake: (() => void) | undefined;
  #pumping: Promise<void> | undefined;
  #idle: (() => void)[] = [];

  constructor(options: OutboundQueueOptions) {
    this.#options = options;
  }

  get pending(): number {
    return this.#chunks.length;
  }

  get max(): number {
    return this.#options.max;
  }

  setConnected(connected: boolean): void {
    this.#connected = connected;
    if (connected) this.#kick();
  }

  /** Resolves once the adapter accepted every chunk (text or file); rejects on a full queue, a non-retryable error or close. */
  enqueue(target: ChannelTarget, chunks: readonly OutboundItem[]): Promise<void> {
    if (this.#stop.signal.aborted) return Promise.reject(new ChannelClosedError(this.#options.channel));
    if (chunks.length === 0) return Promise.resolve();
    if (this.#chunks.length + chunks.length > this.#options.max) {
      this.counters.dropped += chunks.length;
      return Promise.reject(new QueueFullError(this.#options.channel, this.#options.max));
    }
    return new Promise<void>((resolve, reject) => {
      const message: Message = { target, remaining: chunks.length, failed: false, resolve, reject };
      chunks.forEach((item, index) => this.#chunks.push({ message, item, index }));
      this.#kick();
    });
  }

  #kick(): void {
    if (this.#wake) {
      const wake = this.#wake;
      this.#wake = undefined;
      wake();
    }
    this.#pumping ??= this.#pump().finally(() => {
      this.#pumping = undefined;
      if (this.#chunks.length > 0 && !this.#stop.signal.aborted) this.#kick();
    });
  }

  async #pump(): Promise<void> {
    const { backoff, sleep, send } = this.#options;
    let attempts = 0;
    while (this.#chunks.length > 0 && !this.#stop.signal.aborted) {
      if (!this.#connected) {
        // Time spent disconnected does not count against a chunk's attempts.
        attempts = 0;
        await new Promise<void>((resolve) => { this.#wake = resolve; });
        continue;
      }
      const chunk = this.#chunks[0]!;
      try {
        await send(chunk.message.target, chunk.item);
      } catch (error) {
        this.#options.onError?.(error);
        const retryable = error instanceof ChannelSendError ? error.retryable : true;
        attempts++;
        if (retryable && attempts < MAX_ATTEMPTS && !this.#stop.signal.aborted) {
          this.counters.retried++;
          const delay = error instanceof ChannelSendError && error.retryAfterMs !== undefined ? error.retryAfterMs : backoff.next();
          await sleep(delay, this.#stop.signal);
          continue;
        }
        this.#failMessage(chunk.message, error instanceof Error ? error : new Error(String(error)));
        attempts = 0;
        backoff.reset();
        continue;
      }
      attempts = 0;
      backoff.reset();
      this.#chunks.shift();
      this.counters.sent++;
      this.#options.onSent?.(chunk.message.target, chunk.item, chunk.index);
      if (--chunk.message.remaining === 0) chunk.message.resolve();
    }
    if (this.#chunks.length === 0) for (const done of this.#idle.splice(0)) done();
  }

  #failMessage(message: Message, error: Error): void {
    this.counters.failed++;
    message.failed = true;
    for (let i = this.#chunks.length - 1; i >= 0; i--) if (this.#chunks[i]!.message === message) this.#chunks.splice(i, 1);
    message.reject(error);
  }

  /** Resolves when the queue is empty or after `ms`, whichever first. */
  drained(ms: number): Promise<boolean> {
    if (this.#chunks.length === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.#idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Stops the queue; returns what was left (each message rejected with ChannelClosedError). */
  stop(): { chunks: number; chats: string[] } {
    this.#stop.abort();
    this.#wake?.();
    const left = this.#chunks.splice(0);
    const chats = [...new Set(left.map((chunk) => chunk.message.target.chatId))];
    const messages = new Set(left.map((chunk) => chunk.message));
    for (const message of messages) message.reject(new ChannelClosedError(this.#options.channel));
    for (const done of this.#idle.splice(0)) done();
    return { chunks: left.length, chats };
  }
}
