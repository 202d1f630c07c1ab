/**
 * The Slack `ChannelAdapter`: events in through Socket Mode or the HTTP Events API, replies out
 * through `chat.postMessage`. Policy, pairing, chunking and the outbound queue belong to the
 * channels service.
 *
 * One connection loop per start: `auth.test` (who the bot is, for mentions and loop
 * protection; a revoked or wrong token fails here) then, in socket mode, a Socket Mode
 * connection until it ends. Slack asking for a new connection (`disconnect` with
 * `refresh_requested`/`warning`) reconnects at once; a dropped connection or any failure
 * reports `degraded` with a token-free error and retries after `host.backoff()`. In events
 * mode the channel is `connected` once `auth.test` answered (events arrive on the gateway
 * route). A send refused because the token is bad sends the loop back through `auth.test`,
 * so the status shows the token problem.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChannelSendError, type ChannelAdapter, type ChannelHost, type ChannelState, type ChannelTarget, type OutboundAttachment, chunkText, httpDownload } from '../../sdk/channels/index.ts';
import { describeFailure, redactTokens, toSendError } from './errors.ts';
import { messageRef, normalizeEvent, normalizeSlackId, parseMessageRef, threadKey, type BotIdentity, type SlackMessageEvent } from './events.ts';
import { toMrkdwn } from './mrkdwn.ts';
import type { SlackOptions } from './options.ts';
import type { SocketDeps, SocketSession } from './socket.ts';
import type { AuthInfo, SlackWeb } from './web.ts';

/** Longest `text` sent in one message: Slack's documented guidance (it truncates far beyond, at 40,000). */
export const SLACK_MAX_TEXT = 4000;
/** Threads the bot started or answered in, remembered for mention gating (in memory). */
const THREADS_MAX = 2000;
/** Per-DM channel ids learned from inbound messages (a DM is addressed by user id otherwise). */
const DM_CHANNELS_MAX = 5000;
/** Slack takes files up to 1 GB; the bot keeps what it holds in memory well below that. */
export const SLACK_MAX_UPLOAD = 100 * 1024 * 1024;
/** A name lookup may not hold an event past Slack's 3-second acknowledgement window. */
const NAME_LOOKUP_MS = 1500;

export interface SlackAdapterDeps {
  web: SlackWeb;
  openSocket(options: SlackOptions, deps: SocketDeps): Promise<SocketSession>;
}

export interface SlackAdapter extends ChannelAdapter {
  /** The bot as auth.test described it; undefined until connected once. */
  readonly bot: AuthInfo | undefined;
  /** The running host; undefined while stopped (the events route answers 503 then). */
  readonly host: ChannelHost | undefined;
  /** Hands one Events API payload to the service; false when the channel is not running. */
  handlePayload(payload: unknown): Promise<boolean>;
}

function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as K);
}

/**
 * A chunk as mrkdwn messages of at most `limit` characters. The channels service chunks the
 * Markdown; escaping (`&` → `&amp;`) can lengthen it, so a chunk that grows past the limit is
 * split again, before conversion (so no escape or link is cut).
 */
export function mrkdwnParts(text: string, limit = SLACK_MAX_TEXT): string[] {
  const converted = toMrkdwn(text);
  if (converted.length <= limit || text.length < 4) return [converted];
  return chunkText(text, Math.ceil(text.length / 2)).flatMap((piece) => mrkdwnParts(piece, limit));
}

export function createSlackAdapter(options: SlackOptions, deps: SlackAdapterDeps, id = 'slack'): SlackAdapter {
  const tokens = [options.botToken, options.appToken, options.signingSecret];
  // Files (url_private) need the bot token (files:read); it goes only to Slack's file host or the configured API host.
  const fileHosts = ['https://files.slack.com', new URL(options.apiUrl).origin];
  const downloadFile = (url: string) => httpDownload(url, { headers: { Authorization: `Bearer ${options.botToken}` }, trustedOrigins: fileHosts });
  let host: ChannelHost | undefined;
  let stopper: AbortController | undefined;
  let loop: Promise<void> | undefined;
  let bot: AuthInfo | undefined;
  let session: SocketSession | undefined;
  /** Ends the current connection with an error (a send found the token bad). */
  let kick: ((error: Error) => void) | undefined;
  const threads = new Map<string, true>();
  const dmChannels = new Map<string, string>();
  /** Parts of a chunk already posted, so a retry after a partial failure does not post them twice. */
  const posted = new Map<string, number>();

  const setState = (next: ChannelState, error?: unknown) => host?.setState(next, error);

  const safeMessage = (error: unknown, method: string): string =>
    typeof (error as { code?: unknown })?.code === 'string' && String((error as { code: string }).code).startsWith('slack_webapi')
      ? describeFailure(error, method, tokens).message
      : redactTokens(error instanceof Error ? error.message : String(error), tokens);

  async function handlePayload(payload: unknown): Promise<boolean> {
    const current = host;
    if (current === undefined || bot === undefined) return false;
    const body = payload as { type?: unknown; event?: SlackMessageEvent; event_id?: unknown } | undefined;
    if (body?.type !== 'event_callback' || typeof body.event !== 'object' || body.event === null) return true;
    const event = body.event;
    const inbound = normalizeEvent(event, { bot: bot as BotIdentity, inThread: (key) => threads.has(key), download: downloadFile });
    if (inbound === undefined) {
      current.log.debug({ eventId: body.event_id, type: event.type, subtype: event.subtype }, 'slack event ignored (not a new message from a person)');
      return true;
    }
    if (inbound.chatType === 'dm' && typeof event.channel === 'string') remember(dmChannels, inbound.sender, event.channel.toUpperCase(), DM_CHANNELS_MAX);
    if (inbound.senderName === undefined) {
      const name = await Promise.race([deps.web.userName(inbound.sender), sleep(NAME_LOOKUP_MS, undefined)]);
      if (name) inbound.senderName = name;
    }
    try {
      await current.receive(inbound);
    } catch (error) {
      current.log.error({ err: new Error(safeMessage(error, 'receive')), eventId: body.event_id }, 'the channels service failed to take a slack message');
    }
    return true;
  }

  async function connection(current: ChannelHost, signal: AbortSignal): Promise<void> {
    const kicked = new Promise<never>((_, reject) => {
      kick = reject;
    });
    kicked.catch(() => undefined);
    const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    try {
      bot = await deps.web.authTest();
    } catch (error) {
      throw new Error(safeMessage(error, 'auth.test'));
    }
    if (options.mode === 'events') {
      setState('connected');
      current.log.info({ bot: bot.name, team: bot.team, mode: 'events' }, 'slack connected');
      await Promise.race([kicked, aborted]);
      return;
    }
    session = await deps.openSocket(options, { log: current.log, onEvent: handlePayload });
    if (signal.aborted) return void (await session.close());
    setState('connected');
    current.log.info({ bot: bot.name, team: bot.team, mode: 'socket' }, 'slack connected');
    const end = await Promise.race([session.ended, kicked, aborted.then(() => undefined)]).finally(() => session?.close());
    session = undefined;
    if (end === undefined || signal.aborted) return;
    // `link_disabled`: Socket Mode was switched off in the app settings; reconnecting at once would loop.
    if (end.requested && end.reason !== 'link_disabled') {
      current.log.info({ reason: end.reason }, 'slack asked for a new socket mode connection; reconnecting');
      return;
    }
    if (end.reason === 'link_disabled') throw new Error('Slack Socket Mode: disconnected (link_disabled: Socket Mode is off in the app settings, or the app token belongs to another app)');
    throw new Error(`Slack Socket Mode: ${end.reason}`);
  }

  async function run(current: ChannelHost, signal: AbortSignal): Promise<void> {
    const backoff = current.backoff({ baseMs: options.reconnectBaseMs, maxMs: options.reconnectMaxMs });
    while (!signal.aborted) {
      try {
        await connection(current, signal);
        backoff.reset();
      } catch (error) {
        if (signal.aborted) return;
        const message = redactTokens(error instanceof Error ? error.message : String(error), tokens);
        setState('degraded', new Error(message));
        const delay = backoff.next();
        current.log.warn({ retryInMs: delay, error: message }, 'slack connection failed; retrying');
        await sleep(delay, undefined, { signal }).catch(() => undefined);
      } finally {
        kick = undefined;
      }
    }
  }

  /** Where a reply goes: the DM channel learned from inbound (or the user id), the thread it belongs to. */
  function destination(target: ChannelTarget) {
    const ref = parseMessageRef(target.replyTo);
    const channel = ref?.channel ?? (target.chatType === 'dm' ? dmChannels.get(normalizeSlackId(target.chatId)) ?? normalizeSlackId(target.chatId) : target.chatId);
    // A thread reply stays in its thread; a channel message is answered in a thread under it (replyInThread).
    const threadTs = ref?.threadTs ?? (ref !== undefined && target.chatType === 'group' && options.replyInThread ? ref.ts : undefined);
    return { ref, channel, threadTs };
  }

  return {
    id,
    maxMessageLength: SLACK_MAX_TEXT,
    normalizeId: normalizeSlackId,
    get bot() {
      return bot;
    },
    get host() {
      return host;
    },
    handlePayload,
    async start(next) {
      if (loop !== undefined) throw new Error('slack adapter already started');
      host = next;
      const names = next.settings.groupAllowFrom.filter((entry) => entry.startsWith('#'));
      if (names.length > 0) next.log.warn({ entries: names }, 'channels.slack.groupAllowFrom takes channel ids (C0123ABCD: channel details → About), not "#names"; these entries never match');
      stopper = new AbortController();
      const signal = AbortSignal.any([stopper.signal, next.signal]);
      setState('connecting');
      loop = run(next, signal).catch((error: unknown) => {
        const message = redactTokens(String((error as Error)?.message ?? error), tokens);
        next.log.error({ error: message }, 'slack connection loop ended unexpectedly');
        setState('degraded', new Error(message));
      });
    },
    async stop() {
      stopper?.abort();
      await session?.close();
      await loop;
      loop = undefined;
      setState('stopped');
      host = undefined;
    },
    maxMediaBytes: SLACK_MAX_UPLOAD,
    async sendMedia(target: ChannelTarget, file: OutboundAttachment) {
      const { channel, threadTs } = destination(target);
      try {
        const { fileId } = await deps.web.uploadFile({ channel, file, ...(threadTs ? { threadTs } : {}) });
        return { messageId: fileId };
      } catch (error) {
        if (error instanceof ChannelSendError) throw error;
        const failure = describeFailure(error, 'file upload', tokens);
        if (failure.auth) kick?.(new Error(failure.message));
        throw toSendError(failure);
      }
    },
    async send(target: ChannelTarget, text: string) {
      const { ref, channel, threadTs } = destination(target);
      const parts = mrkdwnParts(text);
      const key = createHash('sha256').update(`${channel}\0${threadTs ?? ''}\0${text}`).digest('base64url');
      let last: { channel: string; ts: string } | undefined;
      for (let index = posted.get(key) ?? 0; index < parts.length; index++) {
        try {
          last = await deps.web.postMessage({ channel, text: parts[index] as string, ...(threadTs ? { threadTs } : {}) });
        } catch (error) {
          if (index > 0) remember(posted, key, index, 100);
          const failure = describeFailure(error, 'chat.postMessage', tokens);
          if (failure.auth) kick?.(new Error(failure.message));
          throw toSendError(failure);
        }
      }
      posted.delete(key);
      if (threadTs) remember(threads, threadKey(channel, threadTs), true, THREADS_MAX);
      return last === undefined ? {} : { messageId: messageRef(last.channel, last.ts, threadTs) };
    },
  };
}
