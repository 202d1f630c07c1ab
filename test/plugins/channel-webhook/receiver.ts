/**
 * The other end of the webhook channel in tests: a real HTTP server on 127.0.0.1 receiving the
 * reply callbacks (checking their signature independently of the plugin's code), and a client
 * that POSTs signed messages to the gateway. Scriptable failures: `fail({status, retryAfter})`
 * or `fail({drop: true})` answer the next callbacks.
 */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { onTestFinished } from 'vitest';

export interface Callback {
  chatType: string;
  chatId: string;
  text: string;
  replyTo?: string;
  signatureValid: boolean;
  timestamp: number;
}

export type ReceiverStep = { status: number; retryAfter?: number } | { drop: true };

export interface Receiver {
  url: string;
  callbacks: Callback[];
  /** Every callback request, answered or failed. */
  attempts: number;
  fail(...steps: ReceiverStep[]): void;
  waitFor(count: number, timeoutMs?: number): Promise<Callback[]>;
}

export const SECRET = 'webhook-secret-0123456789';

export function sign(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export async function startReceiver(secret = SECRET): Promise<Receiver> {
  const callbacks: Callback[] = [];
  const steps: ReceiverStep[] = [];
  const sockets = new Set<Socket>();
  let attempts = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    attempts++;
    const step = steps.shift();
    if (step !== undefined && 'drop' in step) return req.socket.destroy();
    if (step !== undefined) {
      res.writeHead(step.status, step.retryAfter === undefined ? {} : { 'Retry-After': String(step.retryAfter) });
      return res.end('{"error":"scripted"}');
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    const timestamp = Number(req.headers['x-moltbot-timestamp']);
    const body = JSON.parse(raw);
    callbacks.push({ ...body, timestamp, signatureValid: req.headers['x-moltbot-signature'] === sign(secret, timestamp, raw) });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ messageId: `cb-${callbacks.length}` }));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook?token=abc`,
    callbacks,
    get attempts() {
      return attempts;
    },
    fail: (...more) => void steps.push(...more),
    async waitFor(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (callbacks.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} callback(s), got ${JSON.stringify(callbacks)}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return callbacks;
    },
  };
}

/** POSTs a message to the gateway's webhook route, signed (or with the given headers). */
export async function postMessage(url: string, message: Record<string, unknown>, options: { secret?: string; timestamp?: number; signature?: string } = {}): Promise<{ status: number; body: any }> {
  const raw = JSON.stringify(message);
  const timestamp = options.timestamp ?? Date.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Moltbot-Timestamp': String(timestamp),
      'X-Moltbot-Signature': options.signature ?? sign(options.secret ?? SECRET, timestamp, raw),
    },
    body: raw,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
