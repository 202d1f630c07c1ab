/**
 * The Discord `ChannelAdapter`: the Gateway (WebSocket, `gateway.ts`) for inbound messages and
 * REST (`rest.ts`) for sending; policy, pairing, chunking and the outbound queue belong to the
 * channels service.
 *
 * Connection loop: GET /gateway/bot before each fresh IDENTIFY (the gateway URL and the
 * session start limit; a 401 here is a bad token) → a gateway connection → on its end, RESUME on the session's resume_gateway_url when Discord allows it,
 * else IDENTIFY again, after `host.backoff()`. READY/RESUMED report `connected` (the outbound
 * queue drains); a lost connection reports `degraded` with a token-free error; a fatal close
 * (4004 bad token, 4014 intents not enabled) reports `stopped` with the reason and ends the
 * loop (Discord says not to retry; fixing the config and restarting does).
 *
 * Sends: POST /channels/{id}/messages with `allowed_mentions: { parse: [] }` (model output
 * never pings @everyone, roles or users) and, for the first chunk of a reply, a
 * `message_reference` to the question. A DM target is the user id: its DM channel comes from
 * the inbound message, else POST /users/@me/channels.
 */
import { createConnectionLoop, type ChannelAdapter, type ChannelHost, type ChannelTarget, type OutboundAttachment } from '../../sdk/channels/index.ts';
import { DiscordApiError, safeError, toSendError } from './errors.ts';
import { FENCE_ROOM, repairFences } from './fences.ts';
import { runConnection, type GatewaySession } from './gateway.ts';
import { normalizeDiscordId, normalizeMessage, parseMessageRef, type DiscordMessage, type DiscordUser } from './normalize.ts';
import { intentsFor, type DiscordOptions } from './options.ts';
import { DiscordRest } from './rest.ts';

export const DISCORD_MAX_MESSAGE = 2000;
/** Bots upload up to 10 MiB per file (without server boosts). */
export const DISCORD_MAX_UPLOAD = 10 * 1024 * 1024;

interface GatewayBotInfo {
  url: string;
  session_start_limit?: { total: number; remaining: number; reset_after: number; max_concurrency: number };
}
const CACHE_MAX = 1000;

export interface DiscordAdapter extends ChannelAdapter {
  /** The bot user from READY; undefined until connected once. */
  readonly bot: DiscordUser | undefined;
  /** GET /users/@me (doctor): who the token belongs to; errors come back token-free. */
  whoAmI(timeoutMs: number): Promise<DiscordUser>;
}

/** A Map that forgets its oldest entry beyond `max`. */
function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > CACHE_MAX) map.delete(map.keys().next().value as K);
}

export function createDiscordAdapter(options: DiscordOptions, id = 'discord'): DiscordAdapter {
  const token = options.botToken;
  const rest = new DiscordRest(options.apiBaseUrl, token, options.requestTimeoutMs);
  let bot: DiscordUser | undefined;
  /** user id → DM channel id. */
  const dmChannels = new Map<string, string>();
  /** Messages already answered: later chunks of a long reply do not quote the question again. */
  const answered = new Set<string>();
  /** `chat|replyTo` → language of the code block the last sent chunk left open (reopened in the next one). */
  const openBlocks = new Map<string, string>();
  /** Inbound messages in arrival order, off the socket's event loop turn. */
  let inbound: Promise<void> = Promise.resolve();

  function onDispatch(type: string, data: unknown): void {
    if (type !== 'MESSAGE_CREATE') return;
    const current = connection.host;
    if (current === undefined || bot === undefined) return;
    const message = data as DiscordMessage;
    const normalized = normalizeMessage(message, bot);
    if (normalized === undefined) {
      current.log.debug({ messageId: message.id }, 'discord message ignored (from a bot or a system message)');
      return;
    }
    if (normalized.chatType === 'dm') remember(dmChannels, normalized.sender, message.channel_id);
    inbound = inbound.then(() => current.receive(normalized)).then(
      () => undefined,
      (error: unknown) => current.log.error({ err: safeError(error, token) }, 'the channels service failed to take a discord message'),
    );
  }

  async function run(current: ChannelHost, signal: AbortSignal): Promise<void> {
    const backoff = current.backoff({ baseMs: options.reconnectBaseMs, maxMs: options.reconnectMaxMs });
    const sessionState: { session: GatewaySession | undefined } = { session: undefined };
    let gatewayBase: string | undefined;
    while (!signal.aborted) {
      let failure: Error;
      let retryAfterMs = 0;
      try {
        const resuming = sessionState.session !== undefined;
        // Before every fresh IDENTIFY: the gateway URL and how many session starts are left
        // today (Discord resets the token after too many; none left → wait reset_after).
        if (!resuming || gatewayBase === undefined) {
          const info = await rest.request<GatewayBotInfo>({ method: 'GET', path: '/gateway/bot', route: '/gateway/bot', signal });
          const limit = info.session_start_limit;
          if (!resuming && limit !== undefined && limit.remaining <= 0) {
            throw new DiscordApiError(`Discord session start limit reached (${limit.total} per day): identifying again in ${Math.ceil(limit.reset_after / 1000)} s`, { retryable: true, retryAfterMs: limit.reset_after });
          }
          gatewayBase = info.url;
        }
        const end = await runConnection({
          url: sessionState.session?.resumeUrl ?? gatewayBase,
          token,
          intents: intentsFor(options),
          state: sessionState,
          signal,
          handshakeTimeoutMs: options.requestTimeoutMs,
          onReady(user) {
            bot = user;
            backoff.reset();
            connection.setState('connected');
            current.log.info({ bot: user.username, id: user.id }, 'discord connected');
          },
          onResumed() {
            backoff.reset();
            connection.setState('connected');
            current.log.info('discord session resumed');
          },
          onDispatch,
          onDebug: (message, fields) => current.log.debug(fields ?? {}, message),
        });
        if (signal.aborted) return;
        if (end.fatal !== undefined) {
          current.log.error({ code: end.code, error: end.fatal.message }, 'discord refused the connection; not reconnecting');
          connection.setState('stopped', safeError(end.fatal, token));
          return;
        }
        failure = new Error(`Discord gateway connection closed (${end.code}${end.reason ? ` ${end.reason}` : ''})${resuming && !end.ready ? ' while resuming' : ''}`);
        // A connection that got as far as READY/RESUMED reset the backoff: it comes back within
        // one jittered base delay (Discord's reconnect requests, dropped sockets); a server
        // that drops every connection at once still cannot make it loop hot.
        if (end.ready) {
          await connection.retry(failure, { backoff, signal, fields: { code: end.code, resume: sessionState.session !== undefined }, message: 'discord connection lost; reconnecting' });
          continue;
        }
      } catch (error) {
        if (signal.aborted) return;
        failure = safeError(error, token);
        if (error instanceof DiscordApiError && error.status === 401) {
          current.log.error({ error: failure.message }, 'discord refused the bot token; not reconnecting');
          connection.setState('stopped', failure);
          return;
        }
        if (error instanceof DiscordApiError) retryAfterMs = error.retryAfterMs ?? 0;
      }
      await connection.retry(failure, { backoff, signal, retryAfterMs, message: 'discord connection failed; retrying' });
    }
  }

  // Stopping waits for the inbound messages already handed over, after the loop ends.
  const connection = createConnectionLoop({ name: 'discord', run, safeError: (error) => safeError(error, token), drain: () => inbound });

  async function channelFor(target: ChannelTarget, signal: AbortSignal): Promise<string> {
    if (target.chatType === 'group') return target.chatId;
    const known = dmChannels.get(target.chatId);
    if (known !== undefined) return known;
    const channel = await rest.request<{ id: string }>({ method: 'POST', path: '/users/@me/channels', route: '/users/@me/channels', body: { recipient_id: target.chatId }, signal });
    remember(dmChannels, target.chatId, channel.id);
    return channel.id;
  }

  return {
    id,
    // Room left for closing and reopening a code block cut between chunks (fences.ts).
    maxMessageLength: DISCORD_MAX_MESSAGE - FENCE_ROOM,
    normalizeId: normalizeDiscordId,
    get bot() {
      return bot;
    },
    async start(next) {
      const notIds = [...next.settings.allowFrom, ...next.settings.owners, ...next.settings.groupAllowFrom]
        .map((entry) => normalizeDiscordId(entry))
        .filter((entry) => entry !== '*' && !/^\d+$/.test(entry));
      if (notIds.length > 0) {
        next.log.warn({ entries: notIds }, 'channels.discord allowFrom/owners/groupAllowFrom take numeric Discord ids (user ids; channel ids for groups); these entries never match');
      }
      connection.start(next);
    },
    stop: () => connection.stop(),
    maxMediaBytes: DISCORD_MAX_UPLOAD,
    /** One message with the file attached: multipart `payload_json` (caption, attachment metadata) + `files[0]`. */
    async sendMedia(target: ChannelTarget, file: OutboundAttachment) {
      const signal = connection.signal;
      const ref = parseMessageRef(target.replyTo);
      try {
        const channelId = await channelFor(target, signal);
        const quote = ref !== undefined && !answered.has(target.replyTo as string) && ref.channelId === channelId;
        const form = new FormData();
        form.append('payload_json', JSON.stringify({
          content: (file.caption ?? '').slice(0, 2000),
          allowed_mentions: { parse: [], replied_user: false },
          attachments: [{ id: 0, filename: file.name }],
          ...(quote ? { message_reference: { message_id: ref.messageId, fail_if_not_exists: false } } : {}),
        }));
        form.append('files[0]', new Blob([file.data as Uint8Array<ArrayBuffer>], { type: file.mimeType }), file.name);
        const message = await rest.request<{ id: string; channel_id: string }>({
          method: 'POST', path: `/channels/${channelId}/messages`, route: '/channels/{channel_id}/messages', major: channelId, form, signal,
        });
        return { messageId: `${message.channel_id}:${message.id}` };
      } catch (error) {
        throw toSendError(error, token);
      }
    },
    async send(target, text) {
      const signal = connection.signal;
      const ref = parseMessageRef(target.replyTo);
      const quote = ref !== undefined && !answered.has(target.replyTo as string);
      const replyKey = `${target.chatType}:${target.chatId}|${target.replyTo ?? ''}`;
      const repaired = repairFences(text, openBlocks.get(replyKey));
      try {
        const channelId = await channelFor(target, signal);
        const message = await rest.request<{ id: string; channel_id: string }>({
          method: 'POST',
          path: `/channels/${channelId}/messages`,
          route: '/channels/{channel_id}/messages',
          major: channelId,
          body: {
            content: repaired.text,
            allowed_mentions: { parse: [], replied_user: false },
            ...(quote && ref.channelId === channelId ? { message_reference: { message_id: ref.messageId, fail_if_not_exists: false } } : {}),
          },
          signal,
        });
        // Only once Discord took the chunk: a retried chunk is repaired the same way again.
        if (repaired.open === undefined) openBlocks.delete(replyKey);
        else remember(openBlocks, replyKey, repaired.open);
        if (quote) answered.add(target.replyTo as string);
        if (answered.size > CACHE_MAX) answered.delete(answered.values().next().value as string);
        return { messageId: `${message.channel_id}:${message.id}` };
      } catch (error) {
        throw toSendError(error, token);
      }
    },
    async typing(target) {
      if (connection.state !== 'connected') return;
      try {
        const channelId = await channelFor(target, connection.signal);
        await rest.request({ method: 'POST', path: `/channels/${channelId}/typing`, route: '/channels/{channel_id}/typing', major: channelId, signal: connection.signal });
      } catch (error) {
        connection.host?.log.debug({ error: safeError(error, token).message }, 'discord typing indicator failed');
      }
    },
    async whoAmI(timeoutMs) {
      try {
        return await rest.request<DiscordUser>({ method: 'GET', path: '/users/@me', route: '/users/@me', signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        throw safeError(error, token);
      }
    },
  };
}
