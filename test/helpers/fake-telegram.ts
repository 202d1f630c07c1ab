/**
 * A fake Telegram Bot API: a real HTTP server on 127.0.0.1 answering `/bot<token>/<method>` like
 * api.telegram.org does, for the methods Moltbot uses: getMe, getUpdates (long poll with
 * `timeout`, `offset` confirming earlier updates, 409 while a webhook is set or when a newer
 * getUpdates replaces a waiting one), sendMessage (400 over 4096 characters or when empty),
 * sendChatAction, sendPhoto / sendDocument (multipart uploads, recorded in `files`), setWebhook,
 * deleteWebhook, getWebhookInfo, getFile (and the file download `GET /file/bot<token>/<file_path>`).
 * Anything else is a 404 like the real API.
 *
 * Helpers: store files (`addFile`) and send them as photos, voice notes or documents, inject messages (queued for getUpdates, or POSTed to the webhook with its secret
 * token when one is set, like Telegram does), read what the bot sent, queue faults per method
 * (429 + retry_after, 5xx as JSON or as a proxy's HTML page), and go down / come back on the
 * same port (open long polls are cut, like a network outage).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readMultipart, readText, replyJson as reply, startFakeServer, until, type UploadedFile } from './fake-http.ts';

export interface TgUser { id: number; is_bot: boolean; first_name: string; last_name?: string; username?: string }
export interface TgChat { id: number; type: 'private' | 'group' | 'supergroup' | 'channel'; title?: string; username?: string; first_name?: string }
export interface TgMessage {
  message_id: number;
  date: number;
  chat: TgChat;
  from?: TgUser;
  text?: string;
  caption?: string;
  entities?: { type: string; offset: number; length: number; user?: TgUser }[];
  caption_entities?: { type: string; offset: number; length: number; user?: TgUser }[];
  reply_to_message?: TgMessage;
  [key: string]: unknown;
}
export interface TgUpdate { update_id: number; message?: TgMessage; edited_message?: TgMessage; [key: string]: unknown }

export interface SentMessage { chatId: string; text: string; messageId: number; replyTo?: number; threadId?: number; at: number }
/** A file the bot uploaded with sendPhoto / sendDocument (multipart). */
export interface SentFile { method: 'sendPhoto' | 'sendDocument'; chatId: string; file: UploadedFile; caption?: string; messageId: number; replyTo?: number }
export interface ApiCall { method: string; params: Record<string, unknown>; at: number; /** HTTP status answered (once answered). */ status?: number }
export type Fault = { status: number; retryAfter?: number; description?: string; html?: boolean; /** parameters.migrate_to_chat_id */ migrateTo?: number };

/** A file the fake serves through getFile + download. */
export interface TgFile { file_id: string; file_unique_id: string; file_size: number }

export interface FakeTelegram {
  /** `http://127.0.0.1:<port>`: the `apiRoot` to give the bot. */
  apiRoot: string;
  port: number;
  token: string;
  bot: TgUser;
  /** Every call the bot made, in order (also failed ones). */
  calls: ApiCall[];
  /** Messages the bot sent (accepted by sendMessage). */
  sent: SentMessage[];
  /** Files the bot uploaded (sendPhoto, sendDocument), in order. */
  files: SentFile[];
  /** Chat actions (typing…) the bot sent. */
  actions: { chatId: string; action: string; threadId?: number }[];
  webhook(): { url: string; secretToken?: string } | undefined;
  /** Adds an update: queued for getUpdates, or POSTed to the webhook when one is set. Returns it. */
  pushUpdate(update: Omit<TgUpdate, 'update_id'>): Promise<TgUpdate>;
  /** A text message from `from` in `chat` (a private chat with the sender by default). */
  message(from: Partial<TgUser> & { id: number }, text: string, extra?: Partial<TgMessage> & { chat?: TgChat }): Promise<TgUpdate>;
  /**
   * Stores bytes to be served by getFile and the file download. `chunked`: the download has no
   * Content-Length (a size cap must count the bytes); `claimedSize`: the size getFile and the
   * message report (a lie, to test that the download is counted anyway).
   */
  addFile(bytes: Uint8Array, options?: { chunked?: boolean; claimedSize?: number; /** The download answers only after this long (a slow network). */ delayMs?: number }): TgFile;
  /** A photo, voice note, audio or document message carrying a file from `addFile` (no text; `caption` optional). */
  fileMessage(from: Partial<TgUser> & { id: number }, kind: 'photo' | 'voice' | 'audio' | 'document', file: TgFile, extra?: { caption?: string; file_name?: string; mime_type?: string; chat?: TgChat }): Promise<TgUpdate>;
  /** File downloads served (paths). */
  downloads: string[];
  /** Updates not yet confirmed by a getUpdates offset. */
  pending(): TgUpdate[];
  /** The next call(s) of `method` fail with this fault, in order. */
  failNext(method: string, ...faults: Fault[]): void;
  /** Resolves once `sent` holds at least `count` messages (polls the array; bounded by `timeoutMs`). */
  waitForSent(count: number, timeoutMs?: number): Promise<SentMessage[]>;
  /** Resolves once a call of `method` has been made `count` times. */
  waitForCalls(method: string, count: number, timeoutMs?: number): Promise<ApiCall[]>;
  /** Stops listening and cuts every open connection (open long polls fail like an outage). */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

export const TELEGRAM_MAX_TEXT = 4096;
/** Shaped like a real token (`<bot id>:<35 chars>`), so redaction patterns see it as one. */
export const FAKE_TOKEN = '123456789:AAFakeTokenForTestsOnly_abcdefghijklmn';

const now = () => Math.floor(Date.now() / 1000);

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
  if ((req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
    // Uploads: text fields as given (JSON objects arrive serialised), file parts as UploadedFile.
    const { fields, files } = await readMultipart(req);
    const parsed = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, /^[[{]/.test(value) ? JSON.parse(value) : value]));
    return { ...query, ...parsed, ...Object.fromEntries(files.map((file) => [file.field, file])) };
  }
  const body = await readText(req);
  if (body === '') return query;
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/x-www-form-urlencoded')) return { ...query, ...Object.fromEntries(new URLSearchParams(body)) };
  return { ...query, ...(JSON.parse(body) as Record<string, unknown>) };
}

const failure = (res: ServerResponse, code: number, description: string, parameters?: Record<string, unknown>) =>
  reply(res, code, { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) });

export async function startFakeTelegram(options: { token?: string; port?: number; username?: string } = {}): Promise<FakeTelegram> {
  const token = options.token ?? FAKE_TOKEN;
  const bot: TgUser = { id: Number(token.split(':')[0]), is_bot: true, first_name: 'Molt', username: options.username ?? 'molt_test_bot' };
  const calls: ApiCall[] = [];
  const sent: SentMessage[] = [];
  const actions: { chatId: string; action: string; threadId?: number }[] = [];
  const files: SentFile[] = [];
  const faults = new Map<string, Fault[]>();
  /** Files users sent (addFile), served by getFile and the file download. */
  const stored = new Map<string, { path: string; bytes: Uint8Array; chunked: boolean; claimedSize: number; delayMs: number }>();
  const downloads: string[] = [];
  const messageIds = new Map<string, number>();
  let updates: TgUpdate[] = [];
  let nextUpdateId = 1000;
  let hook: { url: string; secretToken?: string } | undefined;
  let lastError: { message: string; date: number } | undefined;
  /** The getUpdates call waiting for updates (a newer one ends it with 409, like the real API). */
  let waiter: { wake: () => void; conflict: () => void } | undefined;

  const nextMessageId = (chatId: string) => {
    const id = (messageIds.get(chatId) ?? 0) + 1;
    messageIds.set(chatId, id);
    return id;
  };

  async function getUpdates(params: Record<string, unknown>, res: ServerResponse, req: IncomingMessage): Promise<void> {
    if (hook) return failure(res, 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    const offset = Number(params.offset ?? 0);
    if (offset > 0) updates = updates.filter((u) => u.update_id >= offset);
    const limit = Math.min(100, Math.max(1, Number(params.limit ?? 100)));
    const timeout = Math.min(50, Math.max(0, Number(params.timeout ?? 0)));
    waiter?.conflict();
    if (updates.length === 0 && timeout > 0) {
      const outcome = await new Promise<'wake' | 'conflict' | 'timeout' | 'gone'>((resolve) => {
        const timer = setTimeout(() => resolve('timeout'), timeout * 1000);
        const done = (o: 'wake' | 'conflict' | 'gone') => { clearTimeout(timer); resolve(o); };
        const me = { wake: () => done('wake'), conflict: () => done('conflict') };
        waiter = me;
        req.socket.once('close', () => done('gone'));
      }).finally(() => { waiter = undefined; });
      if (outcome === 'conflict') return failure(res, 409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');
      if (outcome === 'gone') return;
    }
    reply(res, 200, { ok: true, result: updates.slice(0, limit) });
  }

  function sendMessage(params: Record<string, unknown>, res: ServerResponse): void {
    const chatId = String(params.chat_id ?? '');
    const text = typeof params.text === 'string' ? params.text : '';
    if (chatId === '') return failure(res, 400, 'Bad Request: chat_id is empty');
    if (text.trim() === '') return failure(res, 400, 'Bad Request: message text is empty');
    if (text.length > TELEGRAM_MAX_TEXT) return failure(res, 400, 'Bad Request: message is too long');
    const replyParameters = params.reply_parameters as { message_id?: number } | undefined;
    const replyTo = replyParameters?.message_id ?? (params.reply_to_message_id as number | undefined);
    const messageId = nextMessageId(chatId);
    const threadId = params.message_thread_id === undefined ? undefined : Number(params.message_thread_id);
    sent.push({ chatId, text, messageId, ...(replyTo === undefined ? {} : { replyTo: Number(replyTo) }), ...(threadId === undefined ? {} : { threadId }), at: Date.now() });
    const chat: TgChat = Number(chatId) < 0 ? { id: Number(chatId), type: 'supergroup', title: 'group' } : { id: Number(chatId), type: 'private' };
    reply(res, 200, { ok: true, result: { message_id: messageId, date: now(), chat, from: bot, text } });
  }

  function getFile(params: Record<string, unknown>, res: ServerResponse): void {
    const file = stored.get(String(params.file_id ?? ''));
    if (file === undefined) return failure(res, 400, 'Bad Request: invalid file_id');
    if (file.claimedSize > 20 * 1024 * 1024) return failure(res, 400, 'Bad Request: file is too big');
    reply(res, 200, { ok: true, result: { file_id: params.file_id, file_unique_id: `u${params.file_id}`, file_size: file.claimedSize, file_path: file.path } });
  }

  async function download(path: string, res: ServerResponse): Promise<void> {
    const file = [...stored.values()].find((f) => f.path === path);
    if (file === undefined) return failure(res, 404, 'Not Found');
    downloads.push(path);
    if (file.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, file.delayMs));
    if (file.chunked) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      // Several writes: a reader counting bytes sees them arrive in pieces.
      for (let at = 0; at < file.bytes.length; at += 16 * 1024) res.write(file.bytes.subarray(at, at + 16 * 1024));
      return void res.end();
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': file.bytes.length });
    res.end(file.bytes);
  }

  /** sendPhoto / sendDocument: the file arrives as a multipart part (grammy attaches it as `attach://`), or as a file_id/URL string. */
  function sendFile(method: 'sendPhoto' | 'sendDocument', params: Record<string, unknown>, res: ServerResponse): void {
    const chatId = String(params.chat_id ?? '');
    if (chatId === '') return failure(res, 400, 'Bad Request: chat_id is empty');
    const field = method === 'sendPhoto' ? 'photo' : 'document';
    let given = params[field];
    if (typeof given === 'string' && given.startsWith('attach://')) given = params[given.slice('attach://'.length)];
    if (typeof given !== 'object' || given === null || !Buffer.isBuffer((given as UploadedFile).bytes)) return failure(res, 400, `Bad Request: there is no ${field} in the request`);
    const file = given as UploadedFile;
    if (method === 'sendPhoto' && file.bytes.length > 10 * 1000 * 1000) return failure(res, 400, 'Bad Request: PHOTO_INVALID_DIMENSIONS');
    const caption = typeof params.caption === 'string' ? params.caption : undefined;
    if (caption !== undefined && caption.length > 1024) return failure(res, 400, 'Bad Request: message caption is too long');
    const replyTo = (params.reply_parameters as { message_id?: number } | undefined)?.message_id;
    const messageId = nextMessageId(chatId);
    files.push({ method, chatId, file, messageId, ...(caption === undefined ? {} : { caption }), ...(replyTo === undefined ? {} : { replyTo: Number(replyTo) }) });
    const chat: TgChat = Number(chatId) < 0 ? { id: Number(chatId), type: 'supergroup', title: 'group' } : { id: Number(chatId), type: 'private' };
    const media = method === 'sendPhoto'
      ? { photo: [{ file_id: `photo-${messageId}`, file_unique_id: `p${messageId}`, width: 1, height: 1, file_size: file.bytes.length }] }
      : { document: { file_id: `doc-${messageId}`, file_unique_id: `d${messageId}`, file_name: file.fileName, file_size: file.bytes.length } };
    reply(res, 200, { ok: true, result: { message_id: messageId, date: now(), chat, from: bot, ...media, ...(caption === undefined ? {} : { caption }) } });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec((req.url ?? '/').split('?', 1)[0] as string);
    if (fileMatch) return fileMatch[1] === token ? download(fileMatch[2] as string, res) : failure(res, 401, 'Unauthorized');
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec((req.url ?? '/').split('?', 1)[0] as string);
    if (!match) return failure(res, 404, 'Not Found');
    const [, givenToken, method] = match as unknown as [string, string, string];
    let params: Record<string, unknown>;
    try {
      params = await readJson(req);
    } catch {
      return failure(res, 400, 'Bad Request: invalid JSON');
    }
    const call: ApiCall = { method, params, at: Date.now() };
    calls.push(call);
    res.once('finish', () => { call.status = res.statusCode; });
    if (givenToken !== token) return failure(res, 401, 'Unauthorized');
    const fault = faults.get(method)?.shift();
    if (fault) {
      if (fault.html) {
        res.writeHead(fault.status, { 'Content-Type': 'text/html' });
        return void res.end(`<html><body><h1>${fault.status} Bad Gateway</h1></body></html>`);
      }
      const description = fault.description ?? (fault.status === 429 ? `Too Many Requests: retry after ${fault.retryAfter ?? 1}` : 'Internal Server Error');
      const parameters = { ...(fault.retryAfter === undefined ? {} : { retry_after: fault.retryAfter }), ...(fault.migrateTo === undefined ? {} : { migrate_to_chat_id: fault.migrateTo }) };
      return failure(res, fault.status, description, Object.keys(parameters).length > 0 ? parameters : undefined);
    }
    switch (method) {
      case 'getMe': return reply(res, 200, { ok: true, result: { ...bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } });
      case 'getUpdates': return getUpdates(params, res, req);
      case 'sendMessage': return sendMessage(params, res);
      case 'getFile': return getFile(params, res);
      case 'sendPhoto':
      case 'sendDocument': return sendFile(method, params, res);
      case 'sendChatAction':
        actions.push({ chatId: String(params.chat_id), action: String(params.action), ...(params.message_thread_id === undefined ? {} : { threadId: Number(params.message_thread_id) }) });
        return reply(res, 200, { ok: true, result: true });
      case 'setWebhook': {
        const url = String(params.url ?? '');
        if (!/^https?:\/\//.test(url)) return failure(res, 400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
        const secretToken = params.secret_token === undefined ? undefined : String(params.secret_token);
        if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) return failure(res, 400, 'Bad Request: secret token contains unallowed characters');
        hook = { url, ...(secretToken === undefined ? {} : { secretToken }) };
        lastError = undefined;
        waiter?.conflict();
        return reply(res, 200, { ok: true, result: true, description: 'Webhook was set' });
      }
      case 'deleteWebhook':
        hook = undefined;
        if (params.drop_pending_updates === true) updates = [];
        return reply(res, 200, { ok: true, result: true, description: 'Webhook was deleted' });
      case 'getWebhookInfo':
        return reply(res, 200, {
          ok: true,
          result: {
            url: hook?.url ?? '', has_custom_certificate: false, pending_update_count: updates.length,
            ...(lastError ? { last_error_message: lastError.message, last_error_date: lastError.date } : {}),
          },
        });
      default: return failure(res, 404, 'Not Found');
    }
  }

  const http = await startFakeServer(handle, { port: options.port, onError: (res, error) => failure(res, 500, `Internal Server Error: ${String(error)}`) });
  const port = http.port;

  async function deliverToWebhook(update: TgUpdate): Promise<void> {
    const target = hook as { url: string; secretToken?: string };
    const response = await fetch(target.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(target.secretToken ? { 'X-Telegram-Bot-Api-Secret-Token': target.secretToken } : {}) },
      body: JSON.stringify(update),
    });
    await response.arrayBuffer();
    // Telegram keeps an update and retries it until the webhook answers 2xx, and shows why in getWebhookInfo.
    if (!response.ok) {
      updates.push(update);
      lastError = { message: `Wrong response from the webhook: ${response.status} ${response.statusText}`, date: now() };
    }
  }

  const fake: FakeTelegram = {
    apiRoot: `http://127.0.0.1:${port}`,
    port,
    token,
    bot,
    calls,
    sent,
    files,
    actions,
    webhook: () => hook,
    async pushUpdate(partial) {
      const update = { ...partial, update_id: nextUpdateId++ } as TgUpdate;
      if (hook) await deliverToWebhook(update);
      else {
        updates.push(update);
        waiter?.wake();
      }
      return update;
    },
    message(from, text, extra = {}) {
      const sender: TgUser = { is_bot: false, first_name: `User${from.id}`, ...from };
      const { chat = { id: sender.id, type: 'private', first_name: sender.first_name }, ...rest } = extra;
      return fake.pushUpdate({ message: { message_id: nextMessageId(String(chat.id)), date: now(), chat, from: sender, text, ...rest } });
    },
    addFile(bytes, options = {}) {
      const id = `file${stored.size + 1}`;
      const claimedSize = options.claimedSize ?? bytes.length;
      stored.set(id, { path: `documents/${id}.bin`, bytes, chunked: options.chunked ?? false, claimedSize, delayMs: options.delayMs ?? 0 });
      return { file_id: id, file_unique_id: `u${id}`, file_size: claimedSize };
    },
    downloads,
    fileMessage(from, kind, file, extra = {}) {
      const sender: TgUser = { is_bot: false, first_name: `User${from.id}`, ...from };
      const { chat = { id: sender.id, type: 'private', first_name: sender.first_name }, caption, file_name, mime_type } = extra;
      const media = kind === 'photo'
        ? [{ ...file, width: 1, height: 1 }]
        : { ...file, ...(kind === 'voice' || kind === 'audio' ? { duration: 1 } : {}), ...(file_name ? { file_name } : {}), mime_type: mime_type ?? (kind === 'voice' ? 'audio/ogg' : 'application/octet-stream') };
      return fake.pushUpdate({ message: { message_id: nextMessageId(String(chat.id)), date: now(), chat, from: sender, [kind]: media, ...(caption ? { caption } : {}) } });
    },
    pending: () => [...updates],
    failNext(method, ...list) {
      faults.set(method, [...(faults.get(method) ?? []), ...list]);
    },
    waitForSent: (count, timeoutMs = 10_000) => until(() => (sent.length >= count ? [...sent] : undefined), timeoutMs, `${count} sent message(s), have ${sent.length}`),
    waitForCalls(method, count, timeoutMs = 10_000) {
      const of = () => calls.filter((c) => c.method === method);
      return until(() => (of().length >= count ? of() : undefined), timeoutMs, `${count} ${method} call(s)`);
    },
    down: () => http.down(),
    up: () => http.up(),
    close: () => http.down(),
  };
  return fake;
}
