/**
 * A fake Matrix homeserver: a real HTTP server on 127.0.0.1 speaking the Client-Server API v3
 * (spec.matrix.org, client-server-api) for what the matrix channel uses:
 *
 * - `GET /_matrix/client/v3/account/whoami`, `GET /_matrix/client/v3/profile/{userId}`;
 * - `GET /_matrix/client/v3/sync?since=&timeout=` — long poll; `next_batch` tokens; without
 *   `since` an initial sync (joined rooms with their recent timeline and summary, pending
 *   invites, `m.direct` account data); with it only what happened after: `rooms.join.<id>`
 *   (`timeline.events`, `state.events`, `summary`), `rooms.invite.<id>.invite_state.events`
 *   (stripped state with the bot's `m.room.member` invite and `is_direct`), `account_data`;
 * - `POST /_matrix/media/v3/upload?filename=` — the media repository: raw bytes in, an
 *   `mxc://` content URI out (413 M_TOO_LARGE over 50 MiB); kept in `media`.
 * - `PUT /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}` — idempotent per
 *   (access token, txnId): a repeated txnId answers the first event id and posts nothing;
 *   400 M_TOO_LARGE over 65,536 bytes; 403 M_FORBIDDEN when the bot is not in the room;
 * - `POST /_matrix/client/v3/join/{roomId}` (403 M_FORBIDDEN without an invite);
 * - `PUT /_matrix/client/v3/rooms/{roomId}/typing/{userId}`;
 * - `GET /_matrix/client/v1/media/download/{serverName}/{mediaId}` — authenticated media (v1.11);
 * - errors as the spec shapes them: `{ errcode, error }`, 429 `M_LIMIT_EXCEEDED` with
 *   `retry_after_ms` (and a `Retry-After` header in seconds), 401 `M_UNKNOWN_TOKEN`
 *   (`soft_logout: false`) for a missing/revoked token, 404 `M_UNRECOGNIZED` for other paths.
 *
 * Test controls: people invite the bot, write in rooms (plain or encrypted), faults per
 * endpoint (including "the server stores the event, then the connection drops before the
 * answer"), revoke the token, go down / come back on the same port.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readText, replyJson as reply, startFakeServer, until } from './fake-http.ts';

export interface MxEvent {
  type: string;
  event_id: string;
  sender: string;
  origin_server_ts: number;
  content: Record<string, unknown>;
  state_key?: string;
  room_id?: string;
}
interface StrippedState { type: string; sender: string; state_key: string; content: Record<string, unknown> }

export type Endpoint = 'whoami' | 'profile' | 'sync' | 'send' | 'join' | 'typing' | 'media' | 'upload';
/** A file in the media repository (`POST /_matrix/media/v3/upload`). */
export interface StoredMedia { contentUri: string; filename?: string; contentType: string; bytes: Buffer }
/** Largest upload the fake takes (`m.upload.size` of a default Synapse: 50 MiB). */
export const MATRIX_MAX_UPLOAD = 50 * 1024 * 1024;
export type Fault =
  | { status: number; errcode?: string; error?: string; retryAfterMs?: number; retryAfterHeader?: number }
  /** Handle the request (store the event), then cut the connection before answering. */
  | { dropAfterProcess: true };

export interface SentEvent { roomId: string; txnId: string; eventId: string; content: Record<string, unknown>; at: number }
export interface Call { endpoint: Endpoint | 'unknown'; method: string; path: string; query: Record<string, string>; at: number; status?: number; authorization?: string }

interface Room {
  id: string;
  members: Set<string>;
  invited: Set<string>;
  direct: boolean;
  encrypted: boolean;
  timeline: MxEvent[];
  inviteState: StrippedState[];
}

type Entry =
  | { pos: number; kind: 'timeline'; roomId: string; event: MxEvent }
  | { pos: number; kind: 'summary'; roomId: string }
  /** The bot joined: its next sync carries the room's state (members) like a real server's. */
  | { pos: number; kind: 'joined'; roomId: string; state: MxEvent[] }
  | { pos: number; kind: 'invite'; roomId: string }
  | { pos: number; kind: 'direct' };
type EntryInput = Entry extends infer E ? (E extends Entry ? Omit<E, 'pos'> : never) : never;

export interface FakeMatrix {
  /** `http://127.0.0.1:<port>`: the `homeserverUrl` to give the bot. */
  url: string;
  port: number;
  token: string;
  userId: string;
  displayName: string;
  calls: Call[];
  sent: SentEvent[];
  /** The media repository: uploads by content URI (mxc://…). */
  media: Map<string, StoredMedia>;
  typing: { roomId: string; userId: string; timeout: number }[];
  /** A room that already has the bot and `members` joined (direct: marked in m.direct). */
  room(members: string[], options?: { direct?: boolean; encrypted?: boolean; id?: string }): string;
  /** `from` creates a room and invites the bot (is_direct for a DM invite). */
  invite(from: string, options?: { direct?: boolean; members?: string[]; id?: string }): string;
  /** `sender` posts an m.room.message (m.text by default) in `roomId`. */
  message(roomId: string, sender: string, body: string, content?: Record<string, unknown>): MxEvent;
  /** Stores bytes in the media repository; returns their `mxc://` URI. */
  upload(bytes: Uint8Array): string;
  /** `sender` posts an m.room.encrypted event (megolm ciphertext the bot cannot read). */
  encrypted(roomId: string, sender: string): MxEvent;
  joined(roomId: string): boolean;
  /** The next request(s) to `endpoint` fail this way, in order. */
  failNext(endpoint: Endpoint, ...faults: Fault[]): void;
  /** The token stops working (401 M_UNKNOWN_TOKEN), as after a logout or an admin's revocation. */
  revoke(): void;
  waitForSent(count: number, timeoutMs?: number): Promise<SentEvent[]>;
  waitForCalls(endpoint: Endpoint, count: number, timeoutMs?: number): Promise<Call[]>;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export const FAKE_MATRIX_TOKEN = 'syt_bW9sdA_FakeTokenForTestsOnly_0a1b2c';
export const MAX_EVENT_BYTES = 65_536;
const SERVER = 'fake.local';

const error = (res: ServerResponse, status: number, errcode: string, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  reply(res, status, { errcode, error: message, ...extra }, headers);

export async function startFakeMatrix(options: { token?: string; userId?: string; displayName?: string; port?: number } = {}): Promise<FakeMatrix> {
  let token = options.token ?? FAKE_MATRIX_TOKEN;
  const userId = options.userId ?? `@molt:${SERVER}`;
  const displayName = options.displayName ?? 'Molt';
  const calls: Call[] = [];
  const sent: SentEvent[] = [];
  const media = new Map<string, StoredMedia>();
  let mediaSeq = 0;
  const typing: FakeMatrix['typing'] = [];
  const rooms = new Map<string, Room>();
  const entries: Entry[] = [];
  const txns = new Map<string, string>();
  const faults = new Map<Endpoint, Fault[]>();
  const waiters = new Set<() => void>();
  let pos = 0;
  let nextId = 1;

  const eventId = () => `$ev${nextId++}_${Math.random().toString(36).slice(2, 10)}`;
  const push = (entry: EntryInput) => {
    entries.push({ ...entry, pos: ++pos } as Entry);
    for (const wake of [...waiters]) wake();
  };
  const append = (room: Room, event: Omit<MxEvent, 'event_id' | 'origin_server_ts'>) => {
    const full: MxEvent = { ...event, event_id: eventId(), origin_server_ts: Date.now() };
    room.timeline.push(full);
    push({ kind: 'timeline', roomId: room.id, event: full });
    return full;
  };
  const newRoom = (id: string | undefined, direct: boolean, encrypted: boolean): Room => {
    const room: Room = { id: id ?? `!room${nextId++}:${SERVER}`, members: new Set(), invited: new Set(), direct, encrypted, timeline: [], inviteState: [] };
    rooms.set(room.id, room);
    return room;
  };
  const memberEvent = (room: Room, user: string, membership: string, sender = user, extra: Record<string, unknown> = {}) =>
    append(room, { type: 'm.room.member', sender, state_key: user, content: { membership, displayname: user.slice(1).split(':')[0], ...extra } });
  const directMap = () => {
    const map: Record<string, string[]> = {};
    for (const room of rooms.values()) {
      if (!room.direct || !room.members.has(userId)) continue;
      const other = [...room.members].find((m) => m !== userId) ?? userId;
      (map[other] ??= []).push(room.id);
    }
    return map;
  };
  const summary = (room: Room) => ({ 'm.joined_member_count': room.members.size, 'm.invited_member_count': room.invited.size });

  function syncBody(since: number | undefined): Record<string, unknown> {
    const join: Record<string, { timeline: { events: MxEvent[]; limited: boolean; prev_batch: string }; state: { events: unknown[] }; summary?: unknown; ephemeral: { events: unknown[] }; account_data: { events: unknown[] } }> = {};
    const invite: Record<string, { invite_state: { events: StrippedState[] } }> = {};
    const joinedRoom = (room: Room) => (join[room.id] ??= { timeline: { events: [], limited: false, prev_batch: `p${pos}` }, state: { events: [] }, ephemeral: { events: [] }, account_data: { events: [] } });
    let direct = false;
    if (since === undefined) {
      for (const room of rooms.values()) {
        if (room.members.has(userId)) {
          const r = joinedRoom(room);
          r.timeline.events = room.timeline.slice(-10);
          r.timeline.limited = room.timeline.length > 10;
          r.summary = summary(room);
          if (room.encrypted) r.state.events.push({ type: 'm.room.encryption', sender: '@admin:fake.local', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' }, event_id: '$enc', origin_server_ts: 1 });
        } else if (room.invited.has(userId)) invite[room.id] = { invite_state: { events: room.inviteState } };
      }
      direct = true;
    } else {
      for (const entry of entries) {
        if (entry.pos <= since) continue;
        if (entry.kind === 'direct') { direct = true; continue; }
        const room = rooms.get(entry.roomId) as Room;
        if (entry.kind === 'invite') {
          if (room.invited.has(userId)) invite[room.id] = { invite_state: { events: room.inviteState } };
          continue;
        }
        if (!room.members.has(userId)) continue;
        const r = joinedRoom(room);
        if (entry.kind === 'summary') r.summary = summary(room);
        else if (entry.kind === 'joined') r.state.events.push(...entry.state);
        else r.timeline.events.push(entry.event);
      }
    }
    return {
      next_batch: `s${pos}`,
      rooms: { join, invite, leave: {}, knock: {} },
      account_data: { events: direct ? [{ type: 'm.direct', content: directMap() }] : [] },
      presence: { events: [] },
      to_device: { events: [] },
      device_one_time_keys_count: {},
    };
  }

  async function sync(req: IncomingMessage, res: ServerResponse, query: Record<string, string>): Promise<void> {
    const since = query['since'] === undefined ? undefined : Number(/^s(\d+)$/.exec(query['since'])?.[1] ?? NaN);
    if (since !== undefined && Number.isNaN(since)) return error(res, 400, 'M_INVALID_PARAM', 'Invalid since token');
    const timeout = Math.min(60_000, Math.max(0, Number(query['timeout'] ?? 0)));
    const hasNews = () => since === undefined || entries.some((e) => e.pos > since);
    if (!hasNews() && timeout > 0) {
      const outcome = await new Promise<'news' | 'timeout' | 'gone'>((resolve) => {
        const wake = () => done('news');
        const timer = setTimeout(() => done('timeout'), timeout);
        const onClose = () => done('gone');
        function done(o: 'news' | 'timeout' | 'gone') { clearTimeout(timer); waiters.delete(wake); req.socket.off('close', onClose); resolve(o); }
        waiters.add(wake);
        req.socket.once('close', onClose);
      });
      if (outcome === 'gone') return;
    }
    reply(res, 200, syncBody(since));
  }

  async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
    const text = await readText(req);
    if (text === '') return {};
    try {
      const value = JSON.parse(text) as unknown;
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Files users sent (addMedia), served by the authenticated download endpoint. */
  const hosted = new Map<string, Uint8Array>();
  const routes: { endpoint: Endpoint; method: string; pattern: RegExp }[] = [
    { endpoint: 'whoami', method: 'GET', pattern: /^\/_matrix\/client\/v3\/account\/whoami$/ },
    { endpoint: 'profile', method: 'GET', pattern: /^\/_matrix\/client\/v3\/profile\/([^/]+)$/ },
    { endpoint: 'sync', method: 'GET', pattern: /^\/_matrix\/client\/v3\/sync$/ },
    { endpoint: 'send', method: 'PUT', pattern: /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/send\/m\.room\.message\/([^/]+)$/ },
    { endpoint: 'join', method: 'POST', pattern: /^\/_matrix\/client\/v3\/join\/([^/]+)$/ },
    { endpoint: 'typing', method: 'PUT', pattern: /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/typing\/([^/]+)$/ },
    { endpoint: 'media', method: 'GET', pattern: /^\/_matrix\/client\/v1\/media\/download\/([^/]+)\/([^/]+)$/ },
    { endpoint: 'upload', method: 'POST', pattern: /^\/_matrix\/media\/v3\/upload$/ },
  ];

  /** The raw bytes of an upload (any Content-Type; the media repository does not parse them). */
  async function readBytes(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    const route = routes.find((r) => r.method === req.method && r.pattern.test(url.pathname));
    const call: Call = { endpoint: route?.endpoint ?? 'unknown', method: req.method ?? '', path: url.pathname, query, at: Date.now(), ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) };
    calls.push(call);
    res.once('finish', () => { call.status = res.statusCode; });
    if (route === undefined) return error(res, 404, 'M_UNRECOGNIZED', 'Unrecognized request');
    const params = (route.pattern.exec(url.pathname) as RegExpExecArray).slice(1).map(decodeURIComponent);
    const bytes = route.endpoint === 'upload' ? await readBytes(req) : undefined;
    const body = req.method === 'GET' || bytes !== undefined ? {} : await readBody(req);
    if (body === undefined) return error(res, 400, 'M_NOT_JSON', 'Content not JSON.');
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? query['access_token'];
    if (given === undefined) return error(res, 401, 'M_MISSING_TOKEN', 'Missing access token');
    if (given !== token) return error(res, 401, 'M_UNKNOWN_TOKEN', 'Invalid access token passed.', { soft_logout: false });
    const fault = faults.get(route.endpoint)?.shift();
    let dropAfter = false;
    if (fault !== undefined) {
      if ('dropAfterProcess' in fault) dropAfter = true;
      else {
        const headers: Record<string, string> = fault.retryAfterHeader === undefined ? {} : { 'Retry-After': String(fault.retryAfterHeader) };
        const errcode = fault.errcode ?? (fault.status === 429 ? 'M_LIMIT_EXCEEDED' : 'M_UNKNOWN');
        return error(res, fault.status, errcode, fault.error ?? (fault.status === 429 ? 'Too Many Requests' : 'Internal server error'), fault.retryAfterMs === undefined ? {} : { retry_after_ms: fault.retryAfterMs }, headers);
      }
    }
    const answer = (status: number, value: unknown) => (dropAfter ? void res.socket?.destroy() : reply(res, status, value));
    switch (route.endpoint) {
      case 'upload': {
        const upload = bytes as Buffer;
        if (upload.length > MATRIX_MAX_UPLOAD) return error(res, 413, 'M_TOO_LARGE', 'Cannot upload files larger than 50M');
        const contentUri = `mxc://${SERVER}/media${++mediaSeq}`;
        media.set(contentUri, { contentUri, contentType: String(req.headers['content-type'] ?? 'application/octet-stream'), bytes: upload, ...(query['filename'] ? { filename: query['filename'] } : {}) });
        return answer(200, { content_uri: contentUri });
      }
      case 'whoami': return answer(200, { user_id: userId, device_id: 'FAKEDEVICE', is_guest: false });
      case 'profile': return params[0] === userId ? answer(200, { displayname: displayName }) : error(res, 404, 'M_NOT_FOUND', 'Profile was not found');
      case 'sync': return sync(req, res, query);
      case 'media': {
        const bytes = params[0] === SERVER ? hosted.get(params[1] as string) : undefined;
        if (bytes === undefined) return error(res, 404, 'M_NOT_FOUND', 'Not found');
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes.length });
        return void res.end(bytes);
      }
      case 'typing':
        typing.push({ roomId: params[0] as string, userId: params[1] as string, timeout: Number(body['timeout'] ?? 0) });
        return answer(200, {});
      case 'join': {
        const room = rooms.get(params[0] as string);
        if (room === undefined || (!room.invited.has(userId) && !room.members.has(userId))) return error(res, 403, 'M_FORBIDDEN', 'You are not invited to this room.');
        if (!room.members.has(userId)) {
          room.invited.delete(userId);
          room.members.add(userId);
          push({ kind: 'joined', roomId: room.id, state: room.timeline.filter((e) => e.state_key !== undefined) });
          memberEvent(room, userId, 'join');
          push({ kind: 'summary', roomId: room.id });
          if (room.direct) push({ kind: 'direct' });
        }
        return answer(200, { room_id: room.id });
      }
      case 'send': {
        const [roomId, txnId] = params as [string, string];
        const room = rooms.get(roomId);
        if (room === undefined || !room.members.has(userId)) return error(res, 403, 'M_FORBIDDEN', `User ${userId} not in room ${roomId}`);
        const key = `${token}\u0000${txnId}`;
        const existing = txns.get(key);
        if (existing !== undefined) return answer(200, { event_id: existing });
        if (Buffer.byteLength(JSON.stringify(body)) > MAX_EVENT_BYTES) return error(res, 413, 'M_TOO_LARGE', 'Event too large');
        const event = append(room, { type: 'm.room.message', sender: userId, content: body });
        txns.set(key, event.event_id);
        sent.push({ roomId, txnId, eventId: event.event_id, content: body, at: Date.now() });
        return answer(200, { event_id: event.event_id });
      }
    }
  }

  const http = await startFakeServer(handle, {
    port: options.port,
    onError: (res, err) => error(res, 500, 'M_UNKNOWN', String(err)),
    // Long polls waiting for events lost their sockets: wake them so they end.
    onDown: () => {
      for (const wake of [...waiters]) wake();
    },
  });
  const port = http.port;

  const fake: FakeMatrix = {
    url: `http://127.0.0.1:${port}`,
    upload(bytes) {
      const id = `media${hosted.size + 1}`;
      hosted.set(id, bytes);
      return `mxc://${SERVER}/${id}`;
    },
    port,
    get token() { return token; },
    userId,
    displayName,
    calls,
    sent,
    media,
    typing,
    room(members, opts = {}) {
      const room = newRoom(opts.id, opts.direct ?? false, opts.encrypted ?? false);
      for (const member of [userId, ...members]) {
        room.members.add(member);
        memberEvent(room, member, 'join');
      }
      if (opts.encrypted) append(room, { type: 'm.room.encryption', sender: members[0] ?? userId, state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } });
      push({ kind: 'summary', roomId: room.id });
      if (room.direct) push({ kind: 'direct' });
      return room.id;
    },
    invite(from, opts = {}) {
      const room = newRoom(opts.id, opts.direct ?? false, false);
      for (const member of [from, ...(opts.members ?? [])]) {
        room.members.add(member);
        memberEvent(room, member, 'join');
      }
      room.invited.add(userId);
      memberEvent(room, userId, 'invite', from, opts.direct ? { is_direct: true } : {});
      room.inviteState = [
        { type: 'm.room.create', sender: from, state_key: '', content: { room_version: '10' } },
        { type: 'm.room.join_rules', sender: from, state_key: '', content: { join_rule: 'invite' } },
        { type: 'm.room.member', sender: from, state_key: from, content: { membership: 'join', displayname: from.slice(1).split(':')[0] } },
        { type: 'm.room.member', sender: from, state_key: userId, content: { membership: 'invite', ...(opts.direct ? { is_direct: true } : {}) } },
      ];
      push({ kind: 'invite', roomId: room.id });
      return room.id;
    },
    message(roomId, sender, body, content = {}) {
      const room = rooms.get(roomId);
      if (room === undefined || !room.members.has(sender)) throw new Error(`${sender} is not in ${roomId}`);
      return append(room, { type: 'm.room.message', sender, content: { msgtype: 'm.text', body, ...content } });
    },
    encrypted(roomId, sender) {
      const room = rooms.get(roomId) as Room;
      return append(room, { type: 'm.room.encrypted', sender, content: { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AwgAEnAC...', device_id: 'PHONE', sender_key: 'c2VuZGVya2V5', session_id: 'c2Vzc2lvbg' } });
    },
    joined: (roomId) => rooms.get(roomId)?.members.has(userId) ?? false,
    failNext(endpoint, ...list) {
      faults.set(endpoint, [...(faults.get(endpoint) ?? []), ...list]);
    },
    revoke() {
      token = `${token}-revoked-${Date.now()}`;
    },
    waitForSent: (count, timeoutMs = 10_000) => until(() => (sent.length >= count ? sent : undefined), timeoutMs, `${count} sent event(s) (have ${sent.length})`),
    waitForCalls(endpoint, count, timeoutMs = 10_000) {
      return until(() => {
        const found = calls.filter((c) => c.endpoint === endpoint);
        return found.length >= count ? found : undefined;
      }, timeoutMs, `${count} ${endpoint} call(s)`);
    },
    down: () => http.down(),
    up: () => http.up(),
    close: () => http.down(),
  };
  return fake;
}
