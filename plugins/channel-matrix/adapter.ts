/**
 * The Matrix `ChannelAdapter`: speaks the Client-Server API v3 (client.ts) and nothing else;
 * policy, pairing, chunking and the outbound queue belong to the channels service.
 *
 * One loop per start: `whoami` (who the token belongs to; the bot's display name from its
 * profile, for mention detection) then `/sync` long polls from the persisted `since` token.
 * Each batch is handled (room facts, invites, messages handed to the service) and only then
 * is its `next_batch` saved: a crash mid-batch replays that batch (event ids dedupe it), a
 * restart never skips one. The very first sync of an account (no saved token) reads the
 * rooms and invites but not the old timelines: history is not answered.
 *
 * Any failure (network, 5xx, 429, 401 M_UNKNOWN_TOKEN) reports `degraded` with a token-free
 * error and retries after `host.backoff()` (or the homeserver's retry_after_ms), through
 * `whoami` again; the first /sync that then goes through reports `connected`, which drains
 * the outbound queue.
 */
import { createConnectionLoop, type ChannelAdapter, type ChannelHost, type ChannelTarget, type OutboundAttachment } from '../../sdk/channels/index.ts';
import { MatrixApiError, MatrixClient, type SyncResponse } from './client.ts';
import { describeFailure, safeError, toSendError } from './errors.ts';
import { classifyEvent, normalizeMatrixId, type BotIdentity } from './inbound.ts';
import { matrixMediaDownloader } from './media-download.ts';
import { decideInvite } from './invites.ts';
import { markdownToHtml } from './markdown.ts';
import type { MatrixOptions } from './options.ts';
import { RoomBook } from './rooms.ts';
import type { SyncState, SyncStore } from './sync-store.ts';
import { TxnIds } from './txn.ts';

/** One Matrix event is at most 65,536 bytes; 16,000 characters of text plus its HTML stays well under. */
export const MATRIX_MAX_TEXT = 16_000;
/** Synapse's default `max_upload_size` (a homeserver may take less: its 413 fails the file with the reason). */
export const MATRIX_MAX_UPLOAD = 50 * 1024 * 1024;
const ANSWERED_MAX = 1000;
const TYPING_MS = 5000;

export const ENCRYPTED_NOTICE = 'This room is end-to-end encrypted, and this bot cannot read encrypted messages (Moltbot\'s Matrix channel does not support end-to-end encryption). Please talk to it in a room without encryption.';

export interface MatrixAdapterDeps {
  store: SyncStore;
  /** Senders approved through pairing (for invites). */
  approved(): string[];
}

export interface MatrixAdapter extends ChannelAdapter {
  /** The bot as whoami/profile described it; undefined until connected once. */
  readonly identity: BotIdentity | undefined;
  /** Rooms seen to be end-to-end encrypted since start (messages there cannot be read). */
  encryptedRooms(): string[];
}

export function createMatrixAdapter(options: MatrixOptions, deps: MatrixAdapterDeps, id = 'matrix'): MatrixAdapter {
  const token = options.accessToken;
  const client = new MatrixClient({ homeserverUrl: options.homeserverUrl, accessToken: token, requestTimeoutMs: options.requestTimeoutMs });
  const txns = new TxnIds();
  // Images, files and voice messages are fetched by the channels service's media kit through this.
  const downloadMedia = matrixMediaDownloader(options.homeserverUrl, token);
  const encrypted = new Set<string>();
  /** Rooms whose encrypted messages were already logged (once per room and process). */
  const warned = new Set<string>();
  /** Event ids already answered: the later chunks of a long reply do not quote the question again. */
  const answered = new Set<string>();
  let identity: BotIdentity | undefined;
  const invitesLogged = new Set<string>();

  async function connect(signal: AbortSignal): Promise<BotIdentity> {
    const who = await client.whoami(signal);
    if (options.userId !== undefined && who.user_id !== options.userId) {
      throw new Error(`the access token belongs to ${who.user_id}, not channels.matrix.userId ${options.userId}: fix one of them`);
    }
    // The display name only widens mention detection: without it, the user id still works.
    const profile = await client.profile(who.user_id, signal).catch(() => ({}) as { displayname?: string });
    return { userId: who.user_id, ...(typeof profile.displayname === 'string' && profile.displayname !== '' ? { displayName: profile.displayname } : {}) };
  }

  async function notifyEncrypted(current: ChannelHost, roomId: string, state: SyncState, signal: AbortSignal): Promise<void> {
    encrypted.add(roomId);
    if (!warned.has(roomId)) {
      warned.add(roomId);
      current.log.warn({ roomId }, 'matrix room is end-to-end encrypted: its messages cannot be read (the matrix channel has no E2EE support) and are ignored');
    }
    if (!options.encryptedRoomNotice || state.encryptedNoticeSent.includes(roomId)) return;
    state.encryptedNoticeSent.push(roomId);
    try {
      await client.send(roomId, txns.next(roomId, `notice:${roomId}`), { msgtype: 'm.notice', body: ENCRYPTED_NOTICE, 'm.mentions': {} }, signal);
    } catch (error) {
      current.log.warn({ roomId, error: describeFailure(error, token).message }, 'matrix: the encrypted-room note could not be sent');
    }
  }

  async function handleInvites(current: ChannelHost, sync: SyncResponse, rooms: RoomBook, signal: AbortSignal): Promise<void> {
    if (identity === undefined) return;
    for (const [roomId, invite] of Object.entries(sync.rooms?.invite ?? {})) {
      const decision = decideInvite({
        roomId,
        botUserId: identity.userId,
        events: invite.invite_state?.events ?? [],
        settings: current.settings,
        approved: deps.approved(),
        normalize: normalizeMatrixId,
      });
      if (options.autoJoin === 'off' || !decision.join) {
        if (!invitesLogged.has(roomId)) {
          invitesLogged.add(roomId);
          current.log.info({ roomId, inviter: decision.inviter, reason: options.autoJoin === 'off' ? 'autoJoin off' : decision.why }, 'matrix invite not joined');
        }
        continue;
      }
      try {
        await client.join(roomId, signal);
        if (decision.direct) rooms.markDirect(roomId);
        current.log.info({ roomId, inviter: decision.inviter, reason: decision.why }, 'matrix invite joined');
      } catch (error) {
        if (signal.aborted) throw error;
        // A 429 or outage here fails the batch: the same invite comes back with the next sync.
        const failure = describeFailure(error, token);
        if (failure.retryable) throw error;
        current.log.warn({ roomId, error: failure.message }, 'matrix: joining an invited room failed');
      }
    }
  }

  async function handleBatch(current: ChannelHost, sync: SyncResponse, state: SyncState, rooms: RoomBook, first: boolean, signal: AbortSignal): Promise<void> {
    rooms.apply(sync);
    await handleInvites(current, sync, rooms, signal);
    for (const [roomId, room] of Object.entries(sync.rooms?.join ?? {})) {
      for (const event of room.state?.events ?? []) if (event.type === 'm.room.encryption') encrypted.add(roomId);
      for (const event of room.timeline?.events ?? []) {
        if (event.type === 'm.room.encryption') encrypted.add(roomId);
        if (first) continue;
        const bot = identity as BotIdentity;
        const outcome = classifyEvent(event, roomId, rooms.isDm(roomId), bot, (user) => rooms.name(user), downloadMedia);
        if (outcome.kind === 'encrypted') {
          await notifyEncrypted(current, roomId, state, signal);
          continue;
        }
        if (outcome.kind === 'ignored') {
          if (outcome.reason !== 'own' && outcome.reason !== 'not-a-message') current.log.debug({ roomId, eventId: event.event_id, reason: outcome.reason }, 'matrix event ignored');
          continue;
        }
        try {
          await current.receive(outcome.inbound);
        } catch (error) {
          current.log.error({ err: safeError(error, token), roomId, eventId: event.event_id }, 'the channels service failed to take a matrix message');
        }
      }
    }
  }

  async function run(current: ChannelHost, signal: AbortSignal): Promise<void> {
    const backoff = current.backoff({ baseMs: options.reconnectBaseMs, maxMs: options.reconnectMaxMs });
    let state: SyncState | undefined;
    let rooms: RoomBook | undefined;
    let connected = false;
    let announced = false;
    while (!signal.aborted) {
      try {
        if (!connected) {
          identity = await connect(signal);
          if (state?.userId !== identity.userId) {
            state = await deps.store.load(identity.userId);
            rooms = new RoomBook(state);
          }
          connected = true;
          announced = false;
        }
        const s = state as SyncState;
        const first = s.since === undefined;
        // The first sync of each connection does not wait (timeout 0): it catches up at once,
        // so `connected` (and the outbound queue) does not wait for a long poll to end.
        const sync = await client.sync({ ...(first ? {} : { since: s.since }), timeoutMs: announced ? options.pollTimeoutMs : 0 }, signal);
        if (typeof sync.next_batch !== 'string' || sync.next_batch === '') throw new MatrixApiError('Matrix sync failed: the answer has no next_batch', {});
        await handleBatch(current, sync, s, rooms as RoomBook, first, signal);
        s.since = sync.next_batch;
        Object.assign(s, (rooms as RoomBook).snapshot());
        await deps.store.save(s);
        // Connected once a sync went through (not at whoami): what happens from now on is read.
        if (!announced) {
          announced = true;
          connection.setState('connected');
          current.log.info({ userId: (identity as BotIdentity).userId, resumed: !first }, 'matrix connected');
        }
        // Reset only once a sync worked: a whoami that works before a failing sync must not loop fast.
        backoff.reset();
      } catch (error) {
        if (signal.aborted) return;
        const failure = describeFailure(error, token);
        connected = false;
        await connection.retry(new Error(failure.message), {
          backoff, signal, retryAfterMs: failure.retryAfterMs, fields: { status: failure.status, errcode: failure.errcode }, message: 'matrix connection failed; retrying',
        });
      }
    }
  }

  const connection = createConnectionLoop({ name: 'matrix', run, safeError: (error) => safeError(error, token) });

  return {
    id,
    maxMessageLength: MATRIX_MAX_TEXT,
    normalizeId: normalizeMatrixId,
    get identity() {
      return identity;
    },
    encryptedRooms: () => [...encrypted],
    async start(next) {
      const malformed = [...next.settings.allowFrom, ...next.settings.owners].filter((entry) => entry !== '*' && !/^@[^:\s]+:\S+$/.test(normalizeMatrixId(entry)));
      if (malformed.length > 0) {
        next.log.warn({ entries: malformed }, 'channels.matrix allowFrom/owners take full Matrix user ids (@name:server); these entries never match');
      }
      connection.start(next);
    },
    stop: () => connection.stop(),
    async send(target: ChannelTarget, text: string) {
      const signal = connection.signal;
      const quote = target.replyTo !== undefined && target.replyTo.startsWith('$') && !answered.has(target.replyTo);
      const key = `${target.replyTo ?? ''}\u0000${text}`;
      const txnId = txns.next(target.chatId, key);
      const content: Record<string, unknown> = {
        msgtype: 'm.text',
        body: text,
        format: 'org.matrix.custom.html',
        formatted_body: markdownToHtml(text),
        // Intentional mentions: an empty list means the reply pings nobody, whatever names it contains.
        'm.mentions': {},
        ...(quote ? { 'm.relates_to': { 'm.in_reply_to': { event_id: target.replyTo } } } : {}),
      };
      try {
        const result = await client.send(target.chatId, txnId, content, signal);
        txns.settled(target.chatId);
        if (quote) {
          answered.add(target.replyTo as string);
          if (answered.size > ANSWERED_MAX) answered.delete(answered.values().next().value as string);
        }
        return { messageId: result.event_id };
      } catch (error) {
        const failure = toSendError(error, token);
        if (failure.retryable) txns.failed(target.chatId, key, txnId);
        else txns.settled(target.chatId);
        throw failure;
      }
    },
    maxMediaBytes: MATRIX_MAX_UPLOAD,
    /** Upload to the media repository, then an m.image / m.file event pointing at it (caption as body, Matrix 1.10). */
    async sendMedia(target: ChannelTarget, file: OutboundAttachment) {
      const signal = connection.signal;
      const key = `media\u0000${target.replyTo ?? ''}\u0000${file.name}\u0000${file.size}`;
      let txnId: string | undefined;
      try {
        const { content_uri: url } = await client.upload(file.data, file.mimeType, file.name, signal);
        txnId = txns.next(target.chatId, key);
        const content = {
          msgtype: file.kind === 'image' ? 'm.image' : 'm.file',
          body: file.caption ?? file.name,
          filename: file.name,
          url,
          info: { mimetype: file.mimeType, size: file.size },
          'm.mentions': {},
        };
        const result = await client.send(target.chatId, txnId, content, signal);
        txns.settled(target.chatId);
        return { messageId: result.event_id };
      } catch (error) {
        const failure = toSendError(error, token);
        if (txnId !== undefined && failure.retryable) txns.failed(target.chatId, key, txnId);
        else if (txnId !== undefined) txns.settled(target.chatId);
        throw failure;
      }
    },
    async typing(target: ChannelTarget) {
      if (connection.state !== 'connected' || identity === undefined) return;
      try {
        await client.typing(target.chatId, identity.userId, TYPING_MS, connection.signal);
      } catch (error) {
        connection.host?.log.debug({ error: describeFailure(error, token).message }, 'matrix typing notification failed');
      }
    },
  };
}
