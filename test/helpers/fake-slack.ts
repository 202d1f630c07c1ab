/**
 * A fake Slack: the Web API and Socket Mode on 127.0.0.1, shaped like slack.com's (docs.slack.dev
 * reference for each method, the Socket Mode and Events API guides).
 *
 * Web API: `POST /api/<method>` with the token in `Authorization: Bearer` (or a `token` field),
 * form-encoded or JSON bodies, answered HTTP 200 `{ ok: true, … }` or `{ ok: false, error }`;
 * rate limits are HTTP 429 with `Retry-After: <seconds>` and `{ ok: false, error: "ratelimited" }`.
 * Methods: `auth.test` (with the `x-oauth-scopes` header), `apps.connections.open` (app-level
 * token only; answers a single-use `ws://…/link/?ticket=…` URL), `chat.postMessage`
 * (`msg_too_long` over 40,000 characters, `no_text`, `channel_not_found`), `users.info`, and the
 * current file upload flow: `files.getUploadURLExternal` (a one-use URL on this server; the bytes
 * POSTed there, raw or multipart, must match the declared `length`) then
 * `files.completeUploadExternal` (shares the uploaded files into `channel_id`, recorded in `files`).
 * A revoked token gets `invalid_auth` (or the error given) from every method.
 *
 * Socket Mode: the WebSocket says `hello` first; events go out as `events_api` envelopes
 * (`envelope_id`, `payload` = the Events API `event_callback`, `retry_attempt`, `retry_reason`)
 * and stay pending until the client acknowledges `{ envelope_id }`; an envelope not
 * acknowledged when its connection ends is delivered again on the next one with
 * `retry_attempt + 1` and `retry_reason: "timeout"`, like Slack. `refresh(reason)` sends
 * `{ type: "disconnect", reason }` (`refresh_requested`, `warning`) and closes; `drop()` cuts
 * every socket without a close frame (a network outage).
 *
 * Events API: `postEvent(url, secret, event)` POSTs the `event_callback` signed like Slack
 * (`X-Slack-Signature: v0=HMAC(v0:<ts>:<body>)`, `X-Slack-Request-Timestamp`).
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readMultipart, readText, replyJson, startFakeServer, until, type UploadedFile } from './fake-http.ts';
import { WebSocketServer, type WebSocket } from 'ws';

export interface SlackUser { id: string; name: string; real_name?: string; display_name?: string }
/** A file shared through the external upload flow (getUploadURLExternal → upload → completeUploadExternal). */
export interface SharedFile { fileId: string; filename: string; title?: string; bytes: Buffer; channel: string; threadTs?: string; initialComment?: string }
export interface PostedMessage { channel: string; text: string; threadTs?: string; ts: string; unfurlLinks?: unknown; at: number }
export interface ApiCall { method: string; params: Record<string, unknown>; token?: string; at: number; status?: number; error?: string }
export type Fault = { status?: number; retryAfter?: number; error?: string };
export interface Envelope { envelope_id: string; type: 'events_api'; payload: Record<string, unknown>; accepts_response_payload: boolean; retry_attempt: number; retry_reason: string }

export interface FakeSlack {
  /** `http://127.0.0.1:<port>/api/`: the `apiUrl` to give the channel. */
  apiUrl: string;
  port: number;
  botToken: string;
  appToken: string;
  bot: { userId: string; botId: string; name: string; teamId: string; team: string };
  calls: ApiCall[];
  posted: PostedMessage[];
  /** Files shared into channels (completeUploadExternal), in order. */
  files: SharedFile[];
  /** Envelope ids the client acknowledged, in order. */
  acks: string[];
  /** Every envelope sent over a socket (redeliveries included). */
  delivered: Envelope[];
  /** Socket Mode connections opened so far. */
  readonly connections: number;
  /** Sockets open now. */
  readonly open: number;
  /** Scopes `auth.test` reports in `x-oauth-scopes`. */
  scopes: string[];
  users: Map<string, SlackUser>;
  /** Sends an event: over Socket Mode (queued until a socket is open). Returns the envelope. */
  pushEvent(event: Record<string, unknown>): Envelope;
  /** A person's DM to the bot (`message`, `channel_type: "im"`). */
  dm(user: string, text: string, extra?: Record<string, unknown>): Envelope;
  /** A person's message in a channel (`message`, `channel_type: "channel"`); `mention` adds `<@bot>` and sends the `app_mention` too. */
  channelMessage(user: string, channel: string, text: string, extra?: Record<string, unknown> & { mention?: boolean }): Envelope;
  /** An `event_callback` body for `event` (Events API shape). */
  callback(event: Record<string, unknown>): Record<string, unknown>;
  /** POSTs a signed Events API request to `url`; `sign` overrides the signature/timestamp. */
  postEvent(url: string, secret: string, body: Record<string, unknown>, sign?: { timestamp?: number; signature?: string }): Promise<{ status: number; body: any; headers: Headers }>;
  failNext(method: string, ...faults: Fault[]): void;
  /** Every method refuses `token` from now on (`invalid_auth` unless another error is given). */
  revoke(token: string, error?: string): void;
  /** Accepts a revoked token again (a new token with the same value, for tests). */
  restore(token: string): void;
  /** Slack asks every open connection to reconnect (`disconnect` message), then closes it. */
  refresh(reason?: 'refresh_requested' | 'warning' | 'link_disabled'): void;
  /** Cuts every socket without a close frame. */
  drop(): void;
  /** The next `count` acknowledgements are lost on the way (the envelope stays pending). */
  loseAcks(count: number): void;
  /**
   * Stores a file served at its `url_private_download` (GET with the bot token as Bearer, like
   * files.slack.com; without it Slack answers a 200 HTML sign-in page). Returns the `files[]`
   * entry an event carries.
   */
  addFile(bytes: Uint8Array, meta: { name: string; mimetype: string; /** Serve the sign-in page even with the token (a file the bot may not read). */ signIn?: boolean }): Record<string, unknown>;
  /** File downloads served: path and the token presented. */
  fileDownloads: { path: string; token?: string }[];
  waitForPosted(count: number, timeoutMs?: number): Promise<PostedMessage[]>;
  waitForConnections(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const SLACK_HARD_LIMIT = 40_000;
/** Token-shaped like real ones, so redaction patterns see them as tokens. */
export const FAKE_BOT_TOKEN = 'xoxb-1234567890-0987654321-FakeBotTokenForTestsOnly';
export const FAKE_APP_TOKEN = 'xapp-1-A0FAKEAPP-1234567890-fakeapptokenfortestsonly0123456789';

export function signSlack(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

async function readParams(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readText(req);
  if (body === '') return {};
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/json')) return JSON.parse(body) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(body));
}

/** Slack's JSON answers name their charset. */
function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  replyJson(res, status, body, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
}

export async function startFakeSlack(options: { botToken?: string; appToken?: string } = {}): Promise<FakeSlack> {
  const botToken = options.botToken ?? FAKE_BOT_TOKEN;
  const appToken = options.appToken ?? FAKE_APP_TOKEN;
  const bot = { userId: 'U0BOT00001', botId: 'B0BOT00001', name: 'moltbot', teamId: 'T0TEAM0001', team: 'Molt Team' };
  const appId = 'A0FAKEAPP';
  const calls: ApiCall[] = [];
  const posted: PostedMessage[] = [];
  const files: SharedFile[] = [];
  /** Upload slots handed out by getUploadURLExternal: the declared name and length, then the bytes POSTed to the URL. */
  const uploads = new Map<string, { filename: string; length: number; bytes?: Buffer }>();
  let fileSeq = 0;
  const acks: string[] = [];
  const delivered: Envelope[] = [];
  const faults = new Map<string, Fault[]>();
  const revoked = new Map<string, string>();
  const tickets = new Set<string>();
  const sockets = new Set<WebSocket>();
  /** Envelopes not yet acknowledged, in order. */
  const pending = new Map<string, Envelope>();
  let connections = 0;
  let acksToLose = 0;
  let clock = 1_700_000_000;
  let seq = 0;
  const nextTs = () => `${clock + Math.floor(seq / 1000)}.${String(++seq).padStart(6, '0')}`;
  const users = new Map<string, SlackUser>([
    ['U0ALICE001', { id: 'U0ALICE001', name: 'alice', real_name: 'Alice Liddell', display_name: 'Alice' }],
    ['U0BOB00001', { id: 'U0BOB00001', name: 'bob', real_name: 'Bob Stone', display_name: '' }],
  ]);
  const fake = {} as FakeSlack;

  function tokenOf(req: IncomingMessage, params: Record<string, unknown>): string | undefined {
    const header = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''));
    return header?.[1] ?? (typeof params.token === 'string' ? params.token : undefined);
  }

  /** Files users shared (addFile), served at their url_private_download. */
  const hosted = new Map<string, Uint8Array>();
  const fileDownloads: { path: string; token?: string }[] = [];
  const signInOnly = new Set<string>();

  function serveFile(path: string, req: IncomingMessage, res: ServerResponse): void {
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    fileDownloads.push({ path, ...(token ? { token } : {}) });
    const bytes = hosted.get(path);
    if (token !== botToken || revoked.has(token) || signInOnly.has(path)) {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return void res.end('<!DOCTYPE html><html><body>Sign in to Slack</body></html>');
    }
    if (bytes === undefined) return reply(res, 404, { ok: false, error: 'file_not_found' });
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes.length });
    res.end(bytes);
  }

  /** The upload URL: raw bytes or a multipart `file` part, no token (the URL is the credential), like files.slack.com. */
  async function upload(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const slot = uploads.get(id);
    if (slot === undefined || req.method !== 'POST') return void res.writeHead(404).end('Not Found');
    let bytes: Buffer;
    if (String(req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
      const part: UploadedFile | undefined = (await readMultipart(req)).files[0];
      if (part === undefined) return void res.writeHead(400).end('no file part');
      bytes = part.bytes;
    } else {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      bytes = Buffer.concat(chunks);
    }
    if (bytes.length !== slot.length) return void res.writeHead(400).end(`length mismatch: declared ${slot.length}, got ${bytes.length}`);
    slot.bytes = bytes;
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`OK - ${bytes.length}`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const filePath = (req.url ?? '/').split('?', 1)[0] as string;
    if (req.method === 'GET' && filePath.startsWith('/files-pri/')) return serveFile(filePath, req, res);
    const uploadMatch = /^\/upload\/v1\/([A-Za-z0-9]+)$/.exec(filePath);
    if (uploadMatch) return upload(uploadMatch[1] as string, req, res);
    const match = /^\/api\/([A-Za-z.]+)$/.exec((req.url ?? '/').split('?', 1)[0] as string);
    if (!match || req.method !== 'POST') return reply(res, 404, { ok: false, error: 'unknown_method' });
    const method = match[1] as string;
    const params = await readParams(req);
    const token = tokenOf(req, params);
    const call: ApiCall = { method, params, at: Date.now(), ...(token ? { token } : {}) };
    calls.push(call);
    res.once('finish', () => { call.status = res.statusCode; });
    const refuse = (error: string, extra: Record<string, unknown> = {}) => {
      call.error = error;
      reply(res, 200, { ok: false, error, ...extra });
    };
    if (token === undefined) return refuse('not_authed');
    if (revoked.has(token)) return refuse(revoked.get(token) as string);
    const fault = faults.get(method)?.shift();
    if (fault) {
      if (fault.status === 429) {
        call.error = 'ratelimited';
        return reply(res, 429, { ok: false, error: 'ratelimited' }, { 'Retry-After': String(fault.retryAfter ?? 1) });
      }
      if (fault.status !== undefined && fault.status !== 200) {
        call.error = `http_${fault.status}`;
        return reply(res, fault.status, { ok: false, error: 'internal_error' });
      }
      return refuse(fault.error ?? 'internal_error');
    }
    if (method === 'apps.connections.open') {
      if (token !== appToken) return refuse(token.startsWith('xapp-') ? 'invalid_auth' : 'not_allowed_token_type');
      const ticket = randomUUID();
      tickets.add(ticket);
      return reply(res, 200, { ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=${appId}` });
    }
    if (token !== botToken) return refuse(token.startsWith('xoxb-') ? 'invalid_auth' : 'not_allowed_token_type');
    switch (method) {
      case 'auth.test':
        return reply(res, 200, { ok: true, url: 'https://molt-team.slack.com/', team: bot.team, user: bot.name, team_id: bot.teamId, user_id: bot.userId, bot_id: bot.botId, is_enterprise_install: false }, { 'x-oauth-scopes': fake.scopes.join(',') });
      case 'chat.postMessage': {
        const channel = typeof params.channel === 'string' ? params.channel : '';
        const text = typeof params.text === 'string' ? params.text : '';
        if (channel === '') return refuse('channel_not_found');
        if (text === '') return refuse('no_text');
        if (text.length > SLACK_HARD_LIMIT) return refuse('msg_too_long');
        if (!/^[CDGU][A-Z0-9]+$/.test(channel)) return refuse('channel_not_found');
        const ts = nextTs();
        const threadTs = typeof params.thread_ts === 'string' ? params.thread_ts : undefined;
        // A user id as the channel posts to the DM with that user (its D… channel).
        const where = channel.startsWith('U') ? `D${channel.slice(1)}` : channel;
        posted.push({ channel: where, text, ts, at: Date.now(), unfurlLinks: params.unfurl_links, ...(threadTs ? { threadTs } : {}) });
        return reply(res, 200, { ok: true, channel: where, ts, message: { type: 'message', subtype: 'bot_message', text, ts, user: bot.userId, bot_id: bot.botId, ...(threadTs ? { thread_ts: threadTs } : {}) } });
      }
      case 'files.getUploadURLExternal': {
        const filename = typeof params.filename === 'string' ? params.filename : '';
        const length = Number(params.length);
        if (filename === '' || !Number.isInteger(length) || length <= 0) return refuse('invalid_arguments');
        const fileId = `F0FILE${String(++fileSeq).padStart(4, '0')}`;
        uploads.set(fileId, { filename, length });
        return reply(res, 200, { ok: true, upload_url: `http://127.0.0.1:${port}/upload/v1/${fileId}`, file_id: fileId });
      }
      case 'files.completeUploadExternal': {
        const list = (typeof params.files === 'string' ? JSON.parse(params.files) : params.files) as { id: string; title?: string }[] | undefined;
        if (!Array.isArray(list) || list.length === 0) return refuse('invalid_arguments');
        const channel = typeof params.channel_id === 'string' ? params.channel_id : '';
        if (channel !== '' && !/^[CDGU][A-Z0-9]+$/.test(channel)) return refuse('channel_not_found');
        for (const entry of list) if (uploads.get(entry.id)?.bytes === undefined) return refuse('file_not_found');
        const threadTs = typeof params.thread_ts === 'string' ? params.thread_ts : undefined;
        const initialComment = typeof params.initial_comment === 'string' ? params.initial_comment : undefined;
        const where = channel.startsWith('U') ? `D${channel.slice(1)}` : channel;
        const done = list.map((entry) => {
          const slot = uploads.get(entry.id)!;
          uploads.delete(entry.id);
          files.push({ fileId: entry.id, filename: slot.filename, bytes: slot.bytes!, channel: where, ...(entry.title ? { title: entry.title } : {}), ...(threadTs ? { threadTs } : {}), ...(initialComment ? { initialComment } : {}) });
          return { id: entry.id, name: slot.filename, title: entry.title ?? slot.filename, size: slot.bytes!.length };
        });
        return reply(res, 200, { ok: true, files: done });
      }
      case 'users.info': {
        const user = users.get(String(params.user ?? ''));
        if (!user) return refuse('user_not_found');
        return reply(res, 200, { ok: true, user: { id: user.id, team_id: bot.teamId, name: user.name, real_name: user.real_name, is_bot: false, profile: { display_name: user.display_name ?? '', real_name: user.real_name ?? '' } } });
      }
      default:
        return refuse('unknown_method');
    }
  }

  const http = await startFakeServer(handle, { onError: (res, error) => reply(res, 500, { ok: false, error: `fake failure: ${String(error)}` }) });
  const { server, port } = http;
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/link/' || !tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      connections++;
      sockets.add(ws);
      ws.once('close', () => sockets.delete(ws));
      ws.on('message', (data) => {
        try {
          const message = JSON.parse(String(data)) as { envelope_id?: unknown };
          if (typeof message.envelope_id !== 'string') return;
          if (acksToLose > 0 && pending.has(message.envelope_id)) return void acksToLose--;
          if (pending.delete(message.envelope_id)) acks.push(message.envelope_id);
        } catch {
          // ignored, like Slack
        }
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: sockets.size, debug_info: { host: 'applink-fake-1', build_number: 1, approximate_connection_time: 18060 }, connection_info: { app_id: appId } }));
      // Unacknowledged envelopes of earlier connections come again.
      for (const envelope of pending.values()) {
        const again: Envelope = { ...envelope, retry_attempt: envelope.retry_attempt + 1, retry_reason: 'timeout' };
        pending.set(envelope.envelope_id, again);
        send(ws, again);
      }
    });
  });

  function send(ws: WebSocket, envelope: Envelope): void {
    delivered.push(envelope);
    ws.send(JSON.stringify(envelope));
  }

  Object.assign(fake, {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    port,
    botToken,
    appToken,
    bot,
    calls,
    posted,
    files,
    acks,
    delivered,
    scopes: ['chat:write', 'im:history', 'channels:history', 'groups:history', 'app_mentions:read', 'users:read'],
    users,
    callback(event: Record<string, unknown>) {
      return {
        token: 'legacy-verification-token', team_id: bot.teamId, api_app_id: appId, event,
        type: 'event_callback', event_id: `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`, event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ enterprise_id: null, team_id: bot.teamId, user_id: bot.userId, is_bot: true, is_enterprise_install: false }],
        is_ext_shared_channel: false, event_context: `4-${randomUUID()}`,
      };
    },
    pushEvent(event: Record<string, unknown>) {
      const envelope: Envelope = { envelope_id: randomUUID(), type: 'events_api', payload: fake.callback(event), accepts_response_payload: false, retry_attempt: 0, retry_reason: '' };
      pending.set(envelope.envelope_id, envelope);
      const ws = [...sockets].find((s) => s.readyState === s.OPEN);
      if (ws) send(ws, envelope);
      return envelope;
    },
    dm(user: string, text: string, extra: Record<string, unknown> = {}) {
      const ts = nextTs();
      return fake.pushEvent({ type: 'message', channel: `D${user.slice(1)}`, user, text, ts, event_ts: ts, channel_type: 'im', team: bot.teamId, ...extra });
    },
    channelMessage(user: string, channel: string, text: string, extra: Record<string, unknown> & { mention?: boolean } = {}) {
      const { mention, ...rest } = extra;
      const ts = nextTs();
      const body = mention ? `<@${bot.userId}> ${text}` : text;
      const event = { type: 'message', channel, user, text: body, ts, event_ts: ts, channel_type: channel.startsWith('G') ? 'group' : 'channel', team: bot.teamId, ...rest };
      const envelope = fake.pushEvent(event);
      if (mention) fake.pushEvent({ ...event, type: 'app_mention', channel_type: undefined });
      return envelope;
    },
    async postEvent(url: string, secret: string, body: Record<string, unknown>, sign: { timestamp?: number; signature?: string } = {}) {
      const text = JSON.stringify(body);
      const timestamp = sign.timestamp ?? Math.floor(Date.now() / 1000);
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Slack-Request-Timestamp': String(timestamp), 'X-Slack-Signature': sign.signature ?? signSlack(secret, timestamp, text) },
        body: text,
      });
      const answer = await response.text();
      let parsed: unknown = answer;
      try {
        parsed = JSON.parse(answer);
      } catch {
        // not JSON
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    failNext(method: string, ...list: Fault[]) {
      faults.set(method, [...(faults.get(method) ?? []), ...list]);
    },
    revoke(token: string, error = 'invalid_auth') {
      revoked.set(token, error);
    },
    restore(token: string) {
      revoked.delete(token);
    },
    refresh(reason = 'refresh_requested') {
      for (const ws of sockets) {
        ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake-1' } }));
        setTimeout(() => ws.close(1000), 50);
      }
    },
    drop() {
      for (const ws of sockets) ws.terminate();
    },
    loseAcks(count: number) {
      acksToLose = count;
    },
    fileDownloads,
    addFile(bytes: Uint8Array, meta: { name: string; mimetype: string; signIn?: boolean }) {
      const id = `F${String(hosted.size + 1).padStart(9, '0')}`;
      const path = `/files-pri/${bot.teamId}-${id}/download/${encodeURIComponent(meta.name)}`;
      hosted.set(path, bytes);
      if (meta.signIn) signInOnly.add(path);
      const base = `http://127.0.0.1:${port}`;
      return { id, name: meta.name, title: meta.name, mimetype: meta.mimetype, filetype: meta.name.split('.').pop(), size: bytes.length, url_private: `${base}${path.replace('/download', '')}`, url_private_download: `${base}${path}` };
    },
    waitForPosted: (count: number, timeoutMs = 10_000) => until(() => (posted.length >= count ? [...posted] : undefined), timeoutMs, `${count} posted message(s), have ${posted.length}`),
    async waitForConnections(count: number, timeoutMs = 10_000) {
      await until(() => connections >= count && sockets.size > 0, timeoutMs, `${count} socket mode connection(s), have ${connections}`);
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await http.down();
    },
  });
  Object.defineProperty(fake, 'connections', { get: () => connections });
  Object.defineProperty(fake, 'open', { get: () => sockets.size });
  return fake;
}
