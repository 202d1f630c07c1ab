/**
 * An in-memory channel for tests and templates: inject inbound messages, capture what the bot
 * sends (chunk by chunk, files apart), take the "platform" down and bring it back, make the next sends fail
 * (retryable or not, with retryAfterMs). It is a real ChannelAdapter run by the real
 * `channels` service: `plugins: [fake.plugin]` (named `channel-<id>`) or `channels.register(fake.adapter)`.
 */
import { definePlugin, type AnyPlugin } from '../../core/plugin.ts';
import { ChannelSendError, type ChannelAdapter, type ChannelHost, type ChannelInbound, type ChannelTarget, type ReceiveOutcome } from '../../sdk/channels/contract.ts';
import type { OutboundAttachment } from '../../sdk/channels/outbound-media.ts';
import { channelsServiceRef } from '../../sdk/channels/index.ts';

export interface SentChunk {
  target: ChannelTarget;
  text: string;
  at: number;
}

export interface SentMedia {
  target: ChannelTarget;
  attachment: OutboundAttachment;
  at: number;
}

export interface FakeChannel {
  readonly adapter: ChannelAdapter;
  /** Files the channel uploaded (`sendMedia`), in order; text chunks are in `sent`. */
  readonly media: SentMedia[];
  /** A plugin `channel-<id>` that registers the adapter (dependency: channels). */
  readonly plugin: AnyPlugin;
  readonly sent: SentChunk[];
  readonly typing: ChannelTarget[];
  /** The host the service gave the adapter (after start). */
  host(): ChannelHost;
  /** Delivers an inbound message; defaults: a DM from `sender` in chat `sender`, a fresh messageId. */
  inject(message: Partial<ChannelInbound> & { sender: string; text: string }): Promise<ReceiveOutcome>;
  /** The platform goes away: state `degraded`, sends throw a retryable error. */
  down(reason?: string): void;
  /** Back: state `connected` (the queue drains). */
  up(): void;
  /** The next `count` sends throw this error (before any chunk is recorded). */
  failNext(count: number, options: { retryable: boolean; retryAfterMs?: number; message?: string }): void;
  /** Resolves once at least `count` chunks were sent (polls; rejects after timeoutMs). */
  waitForSent(count: number, timeoutMs?: number): Promise<SentChunk[]>;
  readonly sendAttempts: number;
}

let messageIds = 0;

export interface FakeChannelOptions {
  id?: string;
  maxMessageLength?: number;
  normalizeId?: (id: string) => string;
  /** `maxMediaBytes` of the adapter (default: the SDK default). */
  maxMediaBytes?: number;
  /** false: no `sendMedia` (a platform without files, like IRC). Default true. */
  media?: boolean;
}

export function createFakeChannel(options: FakeChannelOptions = {}): FakeChannel {
  const id = options.id ?? 'fake';
  const sent: SentChunk[] = [];
  const media: SentMedia[] = [];
  const typing: ChannelTarget[] = [];
  let host: ChannelHost | undefined;
  let online = true;
  let attempts = 0;
  const failures: { retryable: boolean; retryAfterMs?: number; message?: string }[] = [];
  /** What a platform does before accepting anything: fail while down or when told to. */
  const attempt = () => {
    attempts++;
    if (!online) throw new ChannelSendError('fake platform is down', { retryable: true });
    const failure = failures.shift();
    if (failure) {
      throw new ChannelSendError(failure.message ?? 'fake send failure', {
        retryable: failure.retryable,
        ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
      });
    }
  };
  const adapter: ChannelAdapter = {
    id,
    maxMessageLength: options.maxMessageLength ?? 4000,
    ...(options.maxMediaBytes !== undefined ? { maxMediaBytes: options.maxMediaBytes } : {}),
    ...(options.media === false ? {} : {
      async sendMedia(target: ChannelTarget, attachment: OutboundAttachment) {
        attempt();
        media.push({ target, attachment, at: Date.now() });
        return { messageId: `media-${media.length}` };
      },
    }),
    ...(options.normalizeId ? { normalizeId: options.normalizeId } : {}),
    async start(channelHost) {
      host = channelHost;
      host.setState(online ? 'connected' : 'degraded');
    },
    async stop() {
      host?.setState('stopped');
    },
    async send(target, text) {
      attempt();
      if (text.length > adapter.maxMessageLength) throw new ChannelSendError(`chunk of ${text.length} > ${adapter.maxMessageLength}`, { retryable: false });
      sent.push({ target, text, at: Date.now() });
      return { messageId: `out-${sent.length}` };
    },
    async typing(target) {
      typing.push(target);
    },
  };
  const requireHost = () => {
    if (!host) throw new Error(`fake channel "${id}" was not started (is the channels plugin loaded and the kernel started?)`);
    return host;
  };
  return {
    adapter,
    plugin: definePlugin({
      name: `channel-${id}`,
      version: '1.0.0',
      dependencies: ['channels'],
      setup(ctx) {
        ctx.use(channelsServiceRef).register(adapter);
      },
    }),
    sent,
    media,
    typing,
    host: requireHost,
    inject: (message) => requireHost().receive({ chatType: 'dm', chatId: message.sender, messageId: `in-${++messageIds}`, ...message }),
    down(reason = 'fake platform went away') {
      online = false;
      host?.setState('degraded', new Error(reason));
    },
    up() {
      online = true;
      host?.setState('connected');
    },
    failNext(count, failure) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    async waitForSent(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (sent.length < count) {
        if (Date.now() > deadline) throw new Error(`fake channel "${id}": ${sent.length} of ${count} chunks sent within ${timeoutMs} ms: ${JSON.stringify(sent.map((s) => s.text))}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return sent;
    },
    get sendAttempts() {
      return attempts;
    },
  };
}
