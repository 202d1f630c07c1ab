/**
 * A fake WhatsApp Business Cloud API: a real HTTP server on 127.0.0.1 implementing the Graph
 * endpoint the channel uses (`POST /{version}/{phoneNumberId}/messages`: text messages, image
 * and document messages by media id, mark-as-read, typing indicator; `POST …/media`: multipart
 * media upload answering the media id; Bearer token checked, errors in the Graph error format), and
 * the Meta side of the webhook: it sends signed event bodies (`X-Hub-Signature-256`) to the
 * gateway and performs the `hub.challenge` verification handshake.
 *
 * Scriptable per request: `fail({ status, code, retryAfter })` answers the next sends with a
 * Graph error (e.g. 429 / code 130429), `{ drop: true }` resets the connection.
 *
 * Try the WhatsApp channel without Meta (a gateway with channels.whatsapp pointing at it:
 * apiBaseUrl http://127.0.0.1:8090 and the credentials printed at start):
 *   npx node test/helpers/fake-whatsapp.ts --port 8090 --webhook http://127.0.0.1:18789/channels/whatsapp/webhook
 * then type `<number>: <text>` lines; what the gateway sends back is printed.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface SentMessage {
  to: string;
  text: string;
  replyTo?: string;
  id: string;
  at: number;
}

/** A file uploaded to `POST /{phoneNumberId}/media` (multipart), by media id. */
export interface UploadedMedia { id: string; type: string; fileName: string; bytes: Buffer }
/** A media message (`type: image | document`) referring to an uploaded media id. */
export interface SentMedia { to: string; type: 'image' | 'document'; mediaId: string; caption?: string; filename?: string; replyTo?: string; id: string }

export interface ReadReceipt {
  messageId: string;
  typing: boolean;
}

export type FakeWhatsAppStep = { status: number; code?: number; message?: string; retryAfter?: number } | { drop: true };

export interface FakeWhatsAppOptions {
  phoneNumberId?: string;
  accessToken?: string;
  appSecret?: string;
  apiVersion?: string;
}

export interface InboundOptions {
  from: string;
  text: string;
  id?: string;
  name?: string;
  /** Seconds since the epoch (default now). */
  timestamp?: number;
}

export interface FakeWhatsApp {
  /** `http://127.0.0.1:<port>`: the channel's `apiBaseUrl`. */
  url: string;
  phoneNumberId: string;
  accessToken: string;
  appSecret: string;
  sent: SentMessage[];
  /** Uploaded media by id, and the media messages sent. */
  media: Map<string, UploadedMedia>;
  sentMedia: SentMedia[];
  reads: ReadReceipt[];
  /** Every Graph request, failed ones included (status answered). */
  requests: { path: string; status: number; authorized: boolean; body: any }[];
  fail(...steps: FakeWhatsAppStep[]): void;
  /** Waits until at least `count` texts went to `to` (or anyone), then returns them. */
  waitForSent(count: number, to?: string, timeoutMs?: number): Promise<SentMessage[]>;
  /** A webhook body carrying one text message, as Meta sends it. */
  messageEvent(message: InboundOptions): Record<string, unknown>;
  /**
   * Stores media: `GET /{version}/{media-id}` (Bearer) answers its JSON with a `url` on this
   * server, and that URL (Bearer again, like lookaside.fbsbx.com) serves the bytes. Returns the id.
   */
  addMedia(bytes: Uint8Array, mimeType: string): string;
  /** A webhook body carrying one media message (image, audio, document…) with an uploaded media id. */
  mediaEvent(message: { from: string; type: 'image' | 'audio' | 'document'; mediaId: string; mimeType: string; caption?: string; filename?: string; voice?: boolean }): Record<string, unknown>;
  /** A webhook body carrying one delivery receipt of our own message. */
  statusEvent(messageId: string, status: 'sent' | 'delivered' | 'read' | 'failed', recipient: string, error?: { code: number; title: string }): Record<string, unknown>;
  /** POSTs a body to the gateway's webhook, signed with the app secret (or `signature` as given). */
  deliver(webhookUrl: string, body: unknown, options?: { signature?: string | null }): Promise<{ status: number; body: string }>;
  /** The GET verification Meta does when the webhook is subscribed. */
  verify(webhookUrl: string, verifyToken: string, challenge: string): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

function graphError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  const text = JSON.stringify({ error: { message, type: 'OAuthException', code, fbtrace_id: 'AbCdEfGh' } });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The JSON body, or for a multipart upload its fields plus `file` (parsed by undici like a server would). */
async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const type = String(req.headers['content-type'] ?? '');
  try {
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': type } }).formData();
      const out: Record<string, unknown> = {};
      for (const [key, value] of form.entries()) {
        out[key] = typeof value === 'string' ? value : { fileName: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) };
      }
      return out;
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

export async function startFakeWhatsApp(options: FakeWhatsAppOptions & { port?: number; onSent?: (message: SentMessage) => void } = {}): Promise<FakeWhatsApp> {
  const phoneNumberId = options.phoneNumberId ?? '109876543210';
  const accessToken = options.accessToken ?? 'EAAG-fake-access-token-123456';
  const appSecret = options.appSecret ?? 'fake-app-secret-0123456789abcdef';
  const version = options.apiVersion ?? 'v23.0';
  const sent: SentMessage[] = [];
  const media = new Map<string, UploadedMedia>();
  const sentMedia: SentMedia[] = [];
  const reads: ReadReceipt[] = [];
  const requests: FakeWhatsApp['requests'] = [];
  const steps: FakeWhatsAppStep[] = [];
  const sockets = new Set<Socket>();
  let nextId = 1;

  /** Media users sent (addMedia), served by `GET /{version}/{media-id}` and its URL. */
  const hosted = new Map<string, { bytes: Uint8Array; mimeType: string }>();
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const body = await readJson(req);
    const authorized = req.headers.authorization === `Bearer ${accessToken}`;
    const answer = (status: number) => requests.push({ path, status, authorized, body });
    const mediaMeta = new RegExp(`^/${version.replace('.', '\\.')}/(media\\d+)$`).exec(path);
    const mediaFile = /^\/whatsapp_business\/attachments\/(media\d+)$/.exec(path);
    if (req.method === 'GET' && (mediaMeta || mediaFile)) {
      const id = (mediaMeta ?? mediaFile)![1]!;
      const item = hosted.get(id);
      if (!authorized) {
        answer(401);
        return graphError(res, 401, 190, 'Invalid OAuth access token - Cannot parse access token');
      }
      if (item === undefined) {
        answer(404);
        return graphError(res, 404, 100, 'Unsupported get request.');
      }
      answer(200);
      if (mediaFile) {
        res.writeHead(200, { 'Content-Type': item.mimeType, 'Content-Length': item.bytes.length });
        return res.end(item.bytes);
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ messaging_product: 'whatsapp', url: `http://127.0.0.1:${port}/whatsapp_business/attachments/${id}`, mime_type: item.mimeType, sha256: 'fake', file_size: item.bytes.length, id }));
    }
    const upload = req.method === 'POST' && path === `/${version}/${phoneNumberId}/media`;
    if (req.method !== 'POST' || (path !== `/${version}/${phoneNumberId}/messages` && !upload)) {
      answer(400);
      return graphError(res, 400, 100, `Unsupported request - method type: ${req.method?.toLowerCase()}`);
    }
    if (!authorized) {
      answer(401);
      return graphError(res, 401, 190, 'Invalid OAuth access token - Cannot parse access token');
    }
    if (body?.messaging_product !== 'whatsapp') {
      answer(400);
      return graphError(res, 400, 100, '(#100) The parameter messaging_product is required.');
    }
    const step = steps.shift();
    if (step !== undefined && 'drop' in step) {
      answer(0);
      return req.socket.destroy();
    }
    if (step !== undefined) {
      answer(step.status);
      return graphError(res, step.status, step.code ?? 131000, step.message ?? 'Something went wrong', step.retryAfter === undefined ? {} : { 'Retry-After': String(step.retryAfter) });
    }
    if (upload) {
      const file = body.file as { fileName: string; type: string; bytes: Buffer } | undefined;
      if (file === undefined || typeof body.type !== 'string') {
        answer(400);
        return graphError(res, 400, 100, '(#100) The parameter file is required.');
      }
      const id = `${9000000000 + nextId++}`;
      media.set(id, { id, type: body.type, fileName: file.fileName, bytes: file.bytes });
      answer(200);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ id }));
    }
    if (body.type === 'image' || body.type === 'document') {
      const part = body[body.type] as { id?: string; caption?: string; filename?: string } | undefined;
      if (typeof body.to !== 'string' || typeof part?.id !== 'string' || !media.has(part.id)) {
        answer(400);
        return graphError(res, 400, 131053, 'Media upload error');
      }
      const id = `wamid.fake${nextId++}`;
      sentMedia.push({ to: body.to, type: body.type, mediaId: part.id, id, ...(part.caption ? { caption: part.caption } : {}), ...(part.filename ? { filename: part.filename } : {}), ...(body.context?.message_id ? { replyTo: body.context.message_id } : {}) });
      answer(200);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id }] }));
    }
    if (body.status === 'read') {
      if (typeof body.message_id !== 'string') {
        answer(400);
        return graphError(res, 400, 100, '(#100) The parameter message_id is required.');
      }
      reads.push({ messageId: body.message_id, typing: body.typing_indicator?.type === 'text' });
      answer(200);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ success: true }));
    }
    if (body.type !== 'text' || typeof body.to !== 'string' || typeof body.text?.body !== 'string') {
      answer(400);
      return graphError(res, 400, 100, '(#100) Invalid parameter');
    }
    if (body.text.body.length > 4096) {
      answer(400);
      return graphError(res, 400, 100, '(#100) Param text[\'body\'] must be at most 4096 characters long.');
    }
    const id = `wamid.fake${nextId++}`;
    const message: SentMessage = { to: body.to, text: body.text.body, ...(body.context?.message_id ? { replyTo: body.context.message_id } : {}), id, at: Date.now() };
    sent.push(message);
    options.onSent?.(message);
    answer(200);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id }] }));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  const change = (value: Record<string, unknown>) => ({
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId }, ...value } }] }],
  });

  return {
    url: `http://127.0.0.1:${port}`,
    phoneNumberId,
    accessToken,
    appSecret,
    sent,
    media,
    sentMedia,
    reads,
    requests,
    fail: (...more) => void steps.push(...more),
    async waitForSent(count, to, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const matching = sent.filter((m) => to === undefined || m.to === to);
        if (matching.length >= count) return matching;
        if (Date.now() > deadline) throw new Error(`fake WhatsApp: expected ${count} message(s)${to ? ` to ${to}` : ''}, got ${JSON.stringify(sent)}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    messageEvent: (message) => change({
      contacts: [{ profile: { name: message.name ?? 'Test User' }, wa_id: message.from }],
      messages: [{ from: message.from, id: message.id ?? `wamid.in${nextId++}`, timestamp: String(message.timestamp ?? Math.floor(Date.now() / 1000)), type: 'text', text: { body: message.text } }],
    }),
    addMedia(bytes, mimeType) {
      const id = `media${hosted.size + 1}`;
      hosted.set(id, { bytes, mimeType });
      return id;
    },
    mediaEvent: (message) => change({
      contacts: [{ profile: { name: 'Test User' }, wa_id: message.from }],
      messages: [{
        from: message.from, id: `wamid.in${nextId++}`, timestamp: String(Math.floor(Date.now() / 1000)), type: message.type,
        [message.type]: { id: message.mediaId, mime_type: message.mimeType, sha256: 'fake', ...(message.caption ? { caption: message.caption } : {}), ...(message.filename ? { filename: message.filename } : {}), ...(message.voice ? { voice: true } : {}) },
      }],
    }),
    statusEvent: (messageId, status, recipient, error) => change({
      statuses: [{ id: messageId, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: recipient, ...(error ? { errors: [error] } : {}) }],
    }),
    async deliver(webhookUrl, body, deliverOptions = {}) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      const signature = deliverOptions.signature === undefined ? `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}` : deliverOptions.signature;
      const response = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(signature === null ? {} : { 'X-Hub-Signature-256': signature }) },
        body: raw,
      });
      return { status: response.status, body: await response.text() };
    },
    async verify(webhookUrl, verifyToken, challenge) {
      const query = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': verifyToken, 'hub.challenge': challenge });
      const response = await fetch(`${webhookUrl}?${query}`);
      return { status: response.status, body: await response.text() };
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => { const at = process.argv.indexOf(name); return at === -1 ? undefined : process.argv[at + 1]; };
  const webhook = arg('--webhook') ?? 'http://127.0.0.1:18789/channels/whatsapp/webhook';
  const wa = await startFakeWhatsApp({ port: Number(arg('--port') ?? 8090), onSent: (m) => process.stdout.write(`-> ${m.to}: ${m.text}\n`) });
  process.stdout.write(`fake WhatsApp Cloud API on ${wa.url}\n  phoneNumberId ${wa.phoneNumberId}\n  accessToken ${wa.accessToken}\n  appSecret ${wa.appSecret}\n`);
  process.stdout.write(`type "<number>: <text>" to message ${webhook}\n`);
  const { createInterface } = await import('node:readline');
  for await (const line of createInterface({ input: process.stdin })) {
    const match = /^\s*([+\d][\d\s()-]*):\s*(.+)$/.exec(line);
    if (!match) { process.stdout.write('format: <number>: <text>\n'); continue; }
    const answer = await wa.deliver(webhook, wa.messageEvent({ from: match[1]!.replace(/\D/g, ''), text: match[2]! })).catch((error: Error) => ({ status: 0, body: error.message }));
    process.stdout.write(`<- webhook answered ${answer.status}\n`);
  }
}
