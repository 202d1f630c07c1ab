/**
 * __NAME__: a chat platform as a Moltbot channel. The platform here is a small HTTP API —
 * replace the three calls with your platform's (or its SDK's):
 *   GET  {url}/updates?offset=N&timeout=S → { updates: [{ id, from, name?, chat, type, text, mentioned? }] }
 *   POST {url}/send   { chat, text, replyTo? } → { id }
 *   POST {url}/typing { chat }
 * The adapter only speaks the platform; the `channels` service does policy and pairing,
 * sessions, the agent run, chunking and the retry queue. Config: `channels.<id>` where the
 * plugin is named `channel-<id>`; its platform keys (schema.json) are this plugin's options.
 */
import { ChannelSendError, channelsServiceRef, type ChannelAdapter, type ChannelHost, type ChannelTarget } from 'moltbot/plugin-sdk/channels';
import { definePlugin } from 'moltbot/plugin-sdk/core';
import schema from './schema.json' with { type: 'json' };

export interface Options {
  url: string;
  token?: string;
  pollTimeoutSec: number;
  maxMessageLength: number;
}

interface Update { id: number; from: string; name?: string; chat: string; type: 'dm' | 'group'; text: string; mentioned?: boolean }

/** `channel-matrix` serves `channels.matrix`. */
export const CHANNEL_ID = '__NAME__'.replace(/^channel-/, '');

export function createAdapter(options: Options): ChannelAdapter {
  const base = options.url.replace(/\/+$/, '');
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) };
  let stop = new AbortController();
  let loop: Promise<void> | undefined;

  const post = async (path: string, body: unknown): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      throw new ChannelSendError(`${path}: ${error instanceof Error ? error.message : String(error)}`, { retryable: true, cause: error });
    }
    if (response.ok) return response;
    const seconds = Number(response.headers.get('retry-after'));
    // 429 and 5xx are worth retrying (the service keeps the chunk queued); anything else fails the message.
    throw new ChannelSendError(`${path}: HTTP ${response.status}`, {
      retryable: response.status === 429 || response.status >= 500,
      ...(Number.isFinite(seconds) && response.headers.has('retry-after') ? { retryAfterMs: seconds * 1000 } : {}),
    });
  };

  async function poll(host: ChannelHost, signal: AbortSignal): Promise<void> {
    const backoff = host.backoff();
    let offset = 0;
    while (!signal.aborted) {
      try {
        const response = await fetch(`${base}/updates?offset=${offset}&timeout=${options.pollTimeoutSec}`, {
          headers, signal: AbortSignal.any([signal, AbortSignal.timeout((options.pollTimeoutSec + 10) * 1000)]),
        });
        if (!response.ok) throw new Error(`GET /updates: HTTP ${response.status}`);
        const { updates } = (await response.json()) as { updates: Update[] };
        host.setState('connected');
        backoff.reset();
        for (const update of updates) {
          offset = Math.max(offset, update.id + 1);
          await host.receive({
            sender: update.from, chatType: update.type, chatId: update.chat, text: update.text, messageId: String(update.id),
            ...(update.name ? { senderName: update.name } : {}), ...(update.mentioned !== undefined ? { mentioned: update.mentioned } : {}),
          });
        }
      } catch (error) {
        if (signal.aborted) return;
        // Replies wait in the service's queue while degraded; reconnect with capped, jittered backoff.
        host.setState('degraded', error);
        await new Promise((resolve) => setTimeout(resolve, backoff.next()));
      }
    }
  }

  return {
    id: CHANNEL_ID,
    maxMessageLength: options.maxMessageLength,
    normalizeId: (id) => id.trim().toLowerCase(),
    async start(host) {
      stop = new AbortController();
      host.setState('connecting');
      loop = poll(host, AbortSignal.any([stop.signal, host.signal]));
    },
    async stop() {
      stop.abort();
      await loop;
    },
    async send(target: ChannelTarget, text: string) {
      const response = await post('/send', { chat: target.chatId, text, ...(target.replyTo ? { replyTo: target.replyTo } : {}) });
      const { id } = (await response.json().catch(() => ({}))) as { id?: unknown };
      return id === undefined ? {} : { messageId: String(id) };
    },
    async typing(target: ChannelTarget) {
      await post('/typing', { chat: target.chatId });
    },
  };
}

export default definePlugin<Options>({
  name: '__NAME__',
  version: '0.1.0',
  kernel: '__MOLTBOT_RANGE__',
  description: 'A chat platform as a Moltbot channel (long polling in, POST out).',
  schema,
  defaults: { pollTimeoutSec: 25, maxMessageLength: 4000 },
  // The channels service runs the adapter: it starts it with the kernel and stops it on close.
  dependencies: ['channels'],
  consumes: [channelsServiceRef],
  setup(ctx, options) {
    ctx.use(channelsServiceRef).register(createAdapter(options));
  },
});
