/**
 * The plumbing every fake platform server shares (fake-slack, fake-discord, fake-matrix,
 * fake-telegram): an HTTP server on 127.0.0.1 that tracks its sockets so it can go down at once
 * (an outage: open requests and long polls are cut, not answered) and come back on the same
 * port, a JSON answer, and a poll-until helper for the tests.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Polls `check` until it gives a value (not undefined or false), bounded by `timeoutMs`. */
export async function until<T>(check: () => T | undefined | false, timeoutMs: number, what: string, intervalMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A JSON answer with its length; nothing when the request is already answered or cut. `undefined` sends no body. */
export function replyJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** The request body as text. */
export async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** One uploaded file of a multipart/form-data body. */
export interface UploadedFile {
  field: string;
  fileName: string;
  /** The Content-Type the client gave the part. */
  type: string;
  bytes: Buffer;
}

/**
 * A multipart/form-data body, parsed by undici like a real server's parser would: text fields
 * as strings, file parts as UploadedFile (what the platforms' upload endpoints take).
 */
export async function readMultipart(req: IncomingMessage): Promise<{ fields: Record<string, string>; files: UploadedFile[] }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
  const fields: Record<string, string> = {};
  const files: UploadedFile[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') fields[field] = value;
    else files.push({ field, fileName: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  return { fields, files };
}

export interface FakeServer {
  server: Server;
  port: number;
  /** `http://127.0.0.1:<port>`. */
  base: string;
  readonly listening: boolean;
  /** Stops listening and cuts every open connection (then `onDown`), like the platform going away. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
}

export interface FakeServerOptions {
  port?: number;
  /** Answers a request whose handler threw (the fake's own error shape). */
  onError(res: ServerResponse, error: unknown): void;
  /** Runs in `down()` once the connections are cut (e.g. waking long polls that now have no socket). */
  onDown?(): void;
}

export async function startFakeServer(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>, options: FakeServerOptions): Promise<FakeServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => options.onError(res, error));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    base: `http://127.0.0.1:${port}`,
    get listening() {
      return server.listening;
    },
    async down() {
      if (!server.listening) return;
      const closed = once(server, 'close');
      server.close();
      for (const socket of sockets) socket.destroy();
      options.onDown?.();
      await closed;
    },
    async up() {
      if (server.listening) return;
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
  };
}
