/**
 * A fake Discord API on 127.0.0.1 speaking the real wire protocol (shapes from Discord's public
 * docs, API v10): REST under `/api/v10` and the Gateway WebSocket on the same port.
 *
 * REST: `GET /gateway/bot` ({ url, shards, session_start_limit }), `GET /users/@me`,
 * `POST /users/@me/channels` ({ recipient_id } → a DM channel), `POST /channels/{id}/messages`
 * (400 with code 50035 over 2000 characters or when empty), `POST /channels/{id}/typing` (204).
 * Every request needs `Authorization: Bot <token>` (else 401 `{ message: "401: Unauthorized",
 * code: 0 }`). Responses carry `X-RateLimit-Limit/Remaining/Reset/Reset-After/Bucket`; a queued
 * 429 answers `{ message, retry_after, global }` with `Retry-After` and `X-RateLimit-Scope`.
 *
 * Gateway (`/gateway`, resume at `/resume`; `?v=10&encoding=json` required): HELLO (op 10) →
 * IDENTIFY (op 2) → READY (session_id, resume_gateway_url, user) or RESUME (op 6) → the events
 * missed since `seq`, then RESUMED; HEARTBEAT (op 1) → ACK (op 11); DISPATCH (op 0) with
 * increasing `s`. A bad token closes with 4004. Helpers: push MESSAGE_CREATE (kept for the
 * session while no socket is open, replayed on RESUME like Discord does), drop the TCP
 * connection, send RECONNECT (op 7) or INVALID_SESSION (op 9), revoke the token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readMultipart, readText, replyJson as json, startFakeServer, until, type UploadedFile } from './fake-http.ts';
import { WebSocketServer, type WebSocket } from 'ws';

/** Bots upload up to 10 MiB per file (without boosts). */
export const DISCORD_MAX_UPLOAD = 10 * 1024 * 1024;
export interface DiscordUserShape { id: string; username: string; global_name?: string | null; bot?: boolean }
export interface SentDiscordMessage { channelId: string; content: string; id: string; replyTo?: string; allowedMentions?: unknown; at: number }
/** A message with attachments (multipart: `payload_json` + `files[n]`). */
export interface SentDiscordFiles { channelId: string; id: string; content: string; files: UploadedFile[]; attachments: { id: number | string; filename: string }[] }
export interface RestCall { method: string; path: string; at: number; status?: number; body?: Record<string, unknown> }
export type RestFault = { status: number; retryAfter?: number; global?: boolean; message?: string; /** Discord's JSON error code. */ code?: number };
export interface GatewayFrame { op: number; d: unknown; at: number; path: string }

export interface MessageOptions {
  /** Guild channel id (omit for a DM). */
  channelId?: string;
  guildId?: string;
  /** Users mentioned (their `<@id>` should be in the content too). */
  mentions?: DiscordUserShape[];
  /** The message replies to a message of this author. */
  replyToAuthor?: DiscordUserShape;
  bot?: boolean;
  type?: number;
  attachments?: { id: string; filename: string; content_type?: string; size: number; url: string }[];
}

export interface FakeDiscord {
  /** `http://127.0.0.1:<port>/api`: the `apiBaseUrl` to give the bot. */
  apiBaseUrl: string;
  token: string;
  bot: DiscordUserShape;
  calls: RestCall[];
  sent: SentDiscordMessage[];
  /** Messages that carried files (multipart uploads), in order. */
  uploads: SentDiscordFiles[];
  typing: string[];
  /** Frames the client sent on the gateway (IDENTIFY, RESUME, HEARTBEAT...), in order. */
  frames: GatewayFrame[];
  /** Number of open gateway sockets. */
  sockets(): number;
  /** DM channel id of a user (created on first use, like Discord). */
  dmChannelOf(userId: string): string;
  /** A MESSAGE_CREATE from `author`: in their DM channel, or in `options.channelId` of a guild. Returns the message. */
  message(author: DiscordUserShape, content: string, options?: MessageOptions): Record<string, unknown>;
  /** The next calls of `METHOD /route` (ids as `{id}`) fail with these faults, in order. */
  failNext(route: string, ...faults: RestFault[]): void;
  /** The next POST /channels/{id}/messages response says its bucket is empty for `resetAfter` seconds. */
  exhaustBucket(resetAfter: number): void;
  /** Cuts the TCP connection of every gateway socket (no close frame: a network failure). */
  dropConnections(): void;
  /** op 7 RECONNECT on every socket. */
  requestReconnect(): void;
  /** op 9 INVALID_SESSION (d = resumable). */
  invalidateSession(resumable: boolean): void;
  /** What GET /gateway/bot says about session starts left (`session_start_limit`). */
  limitSessionStarts(remaining: number, resetAfterMs: number): void;
  /** Heartbeats go unanswered (a zombie connection) until `resumeAcks()`. */
  stopAcks(): void;
  resumeAcks(): void;
  /** The token stops working: REST answers 401, the gateway closes 4004 (now, and on IDENTIFY). */
  revokeToken(): void;
  /** Stores a file on the fake CDN (`GET /attachments/…`, no auth, like cdn.discordapp.com); returns the message's attachment object. */
  addAttachment(bytes: Uint8Array, meta: { filename: string; content_type?: string }): { id: string; filename: string; content_type?: string; size: number; url: string };
  /** CDN paths downloaded. */
  cdnDownloads: string[];
  waitForSent(count: number, timeoutMs?: number): Promise<SentDiscordMessage[]>;
  waitForFrames(op: number, count: number, timeoutMs?: number): Promise<GatewayFrame[]>;
  close(): Promise<void>;
}

export const DISCORD_MAX_TEXT = 2000;
/** Shaped like a real bot token (base64 user id . timestamp . HMAC), so redaction sees it as one. */
export const FAKE_DISCORD_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GfAkE1.FakeTokenForTestsOnly_abcdefghijklmnop';

interface Session { id: string; seq: number; events: { s: number; t: string; d: unknown }[]; socket?: WebSocket }

export async function startFakeDiscord(options: { heartbeatIntervalMs?: number; /** false: IDENTIFY asking MESSAGE_CONTENT closes 4014, as when the portal toggle is off. */ messageContentIntent?: boolean } = {}): Promise<FakeDiscord> {
  const token = FAKE_DISCORD_TOKEN;
  let validToken = true;
  const bot: DiscordUserShape = { id: '100000000000000001', username: 'moltbot', global_name: null, bot: true };
  const calls: RestCall[] = [];
  const sent: SentDiscordMessage[] = [];
  const uploads: SentDiscordFiles[] = [];
  const typing: string[] = [];
  const frames: GatewayFrame[] = [];
  const faults = new Map<string, RestFault[]>();
  const dmChannels = new Map<string, string>();
  const sessions = new Map<string, Session>();
  let current: Session | undefined;
  let snowflake = 200000000000000000n;
  const nextId = () => String(++snowflake);
  let bucketEmptyFor = 0;
  let acks = true;
  let sessionStarts = { remaining: 999, resetAfter: 86_400_000 };
  const http = await startFakeServer(handle, { onError: (res, error) => json(res, 500, { message: `500: ${String(error)}`, code: 0 }) });
  const { server, port, base } = http;
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!['/gateway', '/gateway/', '/resume', '/resume/'].includes(url.pathname) || url.searchParams.get('v') !== '10' || url.searchParams.get('encoding') !== 'json') {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onGateway(ws, url.pathname.replace(/\/$/, '')));
  });

  const dmChannelOf = (userId: string) => {
    let id = dmChannels.get(userId);
    if (id === undefined) {
      id = nextId();
      dmChannels.set(userId, id);
    }
    return id;
  };

  function rateHeaders(bucket: string): Record<string, string> {
    const empty = bucket === 'messages-bucket' && bucketEmptyFor > 0;
    const resetAfter = empty ? bucketEmptyFor : 5;
    if (empty) bucketEmptyFor = 0;
    return {
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': empty ? '0' : '4',
      'x-ratelimit-reset': String((Date.now() / 1000 + resetAfter).toFixed(3)),
      'x-ratelimit-reset-after': String(resetAfter),
      'x-ratelimit-bucket': bucket,
    };
  }

  const cdn = new Map<string, Uint8Array>();
  const cdnDownloads: string[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cdnPath = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && cdnPath.startsWith('/attachments/')) {
      cdnDownloads.push(cdnPath);
      const bytes = cdn.get(cdnPath);
      if (bytes === undefined) return json(res, 404, { message: '404: Not Found', code: 0 });
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes.length });
      return void res.end(bytes);
    }
    let body: Record<string, unknown> | undefined;
    let files: UploadedFile[] = [];
    try {
      if (String(req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
        // Uploads: the JSON payload in `payload_json`, the files in `files[n]` parts.
        const form = await readMultipart(req);
        files = form.files;
        body = form.fields['payload_json'] === undefined ? {} : (JSON.parse(form.fields['payload_json']) as Record<string, unknown>);
      } else {
        const raw = await readText(req);
        body = raw === '' ? undefined : (JSON.parse(raw) as Record<string, unknown>);
      }
    } catch {
      return json(res, 400, { message: '400: Bad Request', code: 0 });
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const call: RestCall = { method: req.method ?? 'GET', path, at: Date.now(), ...(body ? { body } : {}) };
    calls.push(call);
    const answer = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      json(res, status, payload, headers);
    };
    if (!path.startsWith('/api/v10/')) return answer(404, { message: '404: Not Found', code: 0 });
    if (req.headers.authorization !== `Bot ${token}` || !validToken) return answer(401, { message: '401: Unauthorized', code: 0 });
    const route = `${call.method} ${path.slice('/api/v10'.length).replace(/\d{15,}/g, '{id}')}`;
    const fault = faults.get(route)?.shift();
    if (fault !== undefined) {
      if (fault.status === 429) {
        const retryAfter = fault.retryAfter ?? 1;
        return answer(429, { message: fault.message ?? 'You are being rate limited.', retry_after: retryAfter, global: fault.global === true }, {
          'retry-after': String(Math.ceil(retryAfter)),
          'x-ratelimit-scope': fault.global ? 'global' : 'user',
          ...(fault.global ? { 'x-ratelimit-global': 'true' } : {}),
          'x-ratelimit-bucket': 'messages-bucket',
        });
      }
      return answer(fault.status, { message: fault.message ?? `${fault.status}: error`, code: fault.code ?? 0 });
    }
    switch (route) {
      case 'GET /gateway/bot':
        return answer(200, { url: `ws://127.0.0.1:${port}/gateway`, shards: 1, session_start_limit: { total: 1000, remaining: sessionStarts.remaining, reset_after: sessionStarts.resetAfter, max_concurrency: 1 } });
      case 'GET /users/@me':
        return answer(200, { ...bot, discriminator: '0', avatar: null, verified: true, flags: 0 });
      case 'POST /users/@me/channels': {
        const recipient = String(body?.['recipient_id'] ?? '');
        return answer(200, { id: dmChannelOf(recipient), type: 1, last_message_id: null, recipients: [{ id: recipient, username: `user${recipient}` }] });
      }
      case 'POST /channels/{id}/typing':
        typing.push(path.split('/')[4]!);
        call.status = 204;
        res.writeHead(204, rateHeaders('typing-bucket'));
        return void res.end();
      case 'POST /channels/{id}/messages': {
        const channelId = path.split('/')[4]!;
        const content = typeof body?.['content'] === 'string' ? (body['content'] as string) : '';
        if (files.length > 0) {
          const attachments = (Array.isArray(body?.['attachments']) ? body['attachments'] : []) as { id: number | string; filename: string }[];
          if (files.some((file) => file.bytes.length > DISCORD_MAX_UPLOAD)) return answer(413, { message: 'Request entity too large', code: 40005 });
          // Every attachment names its part `files[<id>]`, like Discord's docs ("Uploading Files").
          if (attachments.length !== files.length || attachments.some((a) => !files.some((f) => f.field === `files[${a.id}]`))) {
            return answer(400, { message: 'Invalid Form Body', code: 50035 });
          }
          if (content.length > DISCORD_MAX_TEXT) return answer(400, { message: 'Invalid Form Body', code: 50035 });
          const id = nextId();
          uploads.push({ channelId, id, content, files, attachments });
          return answer(200, { id, channel_id: channelId, content, attachments: attachments.map((a, i) => ({ id: nextId(), filename: a.filename, size: files[i]!.bytes.length })), author: bot, timestamp: new Date().toISOString() }, rateHeaders('messages-bucket'));
        }
        if (content.length === 0 || content.length > DISCORD_MAX_TEXT) {
          return answer(400, { message: 'Invalid Form Body', code: 50035, errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } } });
        }
        const id = nextId();
        const reference = body?.['message_reference'] as { message_id?: string } | undefined;
        sent.push({ channelId, content, id, ...(reference?.message_id ? { replyTo: reference.message_id } : {}), allowedMentions: body?.['allowed_mentions'], at: Date.now() });
        return answer(200, { id, channel_id: channelId, content, type: reference ? 19 : 0, author: bot, timestamp: new Date().toISOString() }, rateHeaders('messages-bucket'));
      }
      default:
        return answer(404, { message: '404: Not Found', code: 0 });
    }
  }

  function dispatch(session: Session, t: string, d: unknown): void {
    const event = { s: ++session.seq, t, d };
    session.events.push(event);
    session.socket?.send(JSON.stringify({ op: 0, ...event }));
  }

  function onGateway(ws: WebSocket, path: string): void {
    let session: Session | undefined;
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: options.heartbeatIntervalMs ?? 2000 }, s: null, t: null }));
    ws.on('message', (raw) => {
      const packet = JSON.parse(raw.toString()) as { op: number; d: Record<string, unknown> | null };
      frames.push({ op: packet.op, d: packet.d, at: Date.now(), path });
      switch (packet.op) {
        case 1:
          if (acks) ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
          return;
        case 2: {
          if (packet.d?.['token'] !== token || !validToken) return void ws.close(4004, 'Authentication failed.');
          if (typeof packet.d?.['intents'] !== 'number') return void ws.close(4013, 'Invalid intent(s).');
          if (options.messageContentIntent === false && ((packet.d['intents'] as number) & (1 << 15)) !== 0) return void ws.close(4014, 'Disallowed intent(s).');
          session = { id: `session-${nextId()}`, seq: 0, events: [], socket: ws };
          sessions.set(session.id, session);
          current = session;
          dispatch(session, 'READY', { v: 10, user: bot, guilds: [], session_id: session.id, resume_gateway_url: `ws://127.0.0.1:${port}/resume`, application: { id: bot.id, flags: 0 } });
          return;
        }
        case 6: {
          if (packet.d?.['token'] !== token || !validToken) return void ws.close(4004, 'Authentication failed.');
          const known = sessions.get(String(packet.d?.['session_id']));
          if (known === undefined) return void ws.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
          session = known;
          session.socket = ws;
          current = session;
          const after = typeof packet.d?.['seq'] === 'number' ? (packet.d['seq'] as number) : 0;
          for (const event of session.events.filter((e) => e.s > after)) ws.send(JSON.stringify({ op: 0, ...event }));
          dispatch(session, 'RESUMED', null);
          return;
        }
        default:
          return;
      }
    });
    ws.on('close', () => {
      if (session?.socket === ws) delete session.socket;
    });
  }

  const openSockets = () => [...sessions.values()].map((s) => s.socket).filter((s): s is WebSocket => s !== undefined);

  return {
    apiBaseUrl: `${base}/api`,
    token,
    bot,
    calls,
    sent,
    uploads,
    typing,
    frames,
    sockets: () => wss.clients.size,
    dmChannelOf,
    message(author, content, opts = {}) {
      if (current === undefined) throw new Error('no gateway session yet');
      const dm = opts.channelId === undefined;
      const message = {
        id: nextId(),
        channel_id: dm ? dmChannelOf(author.id) : opts.channelId,
        ...(dm ? {} : { guild_id: opts.guildId ?? '300000000000000001', member: { nick: null, roles: [] } }),
        author: { ...author, ...(opts.bot ? { bot: true } : {}) },
        content,
        timestamp: new Date().toISOString(),
        edited_timestamp: null,
        tts: false,
        mention_everyone: false,
        mentions: opts.mentions ?? [],
        mention_roles: [],
        attachments: opts.attachments ?? [],
        embeds: [],
        pinned: false,
        type: opts.type ?? (opts.replyToAuthor ? 19 : 0),
        ...(opts.replyToAuthor ? { referenced_message: { id: nextId(), author: opts.replyToAuthor, content: 'earlier' } } : {}),
      };
      dispatch(current, 'MESSAGE_CREATE', message);
      return message;
    },
    cdnDownloads,
    addAttachment(bytes, meta) {
      const id = nextId();
      const path = `/attachments/400000000000000001/${id}/${encodeURIComponent(meta.filename)}`;
      cdn.set(path, bytes);
      return { id, filename: meta.filename, ...(meta.content_type ? { content_type: meta.content_type } : {}), size: bytes.length, url: `http://127.0.0.1:${port}${path}?ex=1&is=1&hm=fake` };
    },
    failNext(route, ...list) {
      faults.set(route, [...(faults.get(route) ?? []), ...list]);
    },
    exhaustBucket(resetAfter) {
      bucketEmptyFor = resetAfter;
    },
    dropConnections() {
      for (const ws of wss.clients) ws.terminate();
    },
    requestReconnect() {
      for (const ws of openSockets()) ws.send(JSON.stringify({ op: 7, d: null, s: null, t: null }));
    },
    invalidateSession(resumable) {
      for (const ws of openSockets()) ws.send(JSON.stringify({ op: 9, d: resumable, s: null, t: null }));
      if (!resumable) sessions.clear();
    },
    limitSessionStarts(remaining, resetAfterMs) {
      sessionStarts = { remaining, resetAfter: resetAfterMs };
    },
    stopAcks() {
      acks = false;
    },
    resumeAcks() {
      acks = true;
    },
    revokeToken() {
      validToken = false;
      for (const ws of wss.clients) ws.close(4004, 'Authentication failed.');
    },
    waitForSent: (count, timeoutMs = 10_000) => until(() => (sent.length >= count ? [...sent] : undefined), timeoutMs, `${count} discord message(s) to be sent`),
    waitForFrames: (op, count, timeoutMs = 10_000) => until(() => {
      const matching = frames.filter((f) => f.op === op);
      return matching.length >= count ? matching : undefined;
    }, timeoutMs, `${count} gateway frame(s) of op ${op}`),
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await http.down();
    },
  };
}
