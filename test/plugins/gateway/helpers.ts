/**
 * Test kit for the gateway: a kernel with the gateway plugins on 127.0.0.1 and a free port,
 * and a small `ws` client speaking the protocol. Everything closes when the test finishes.
 */
import { onTestFinished } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import { createTestKernel, type TestKernel, type TestKernelOptions } from '../../../app/testing.ts';
import type { PluginEntry } from '../../../core/resolve-plugin.ts';
import { type GatewayService, gatewayServiceRef } from '../../../sdk/gateway/index.ts';

export const PASSWORD = 'correct-horse-battery-staple-7';

export interface GatewayHarness {
  kernel: TestKernel;
  service: GatewayService;
  port: number;
  url: string;
  httpUrl: string;
}

export interface StartOptions extends Omit<TestKernelOptions, 'config'> {
  /** Merged over the default `gateway` root config (port 0, loopback, password auth). */
  gateway?: Record<string, unknown>;
  /** gateway plugin options. */
  options?: Record<string, unknown>;
  rateLimit?: Record<string, unknown>;
  /** Extra plugins, after the gateway ones. */
  extra?: PluginEntry[];
  /** Replace the default plugin list entirely. */
  only?: PluginEntry[];
  config?: Record<string, unknown>;
}

export async function startGateway(options: StartOptions = {}): Promise<GatewayHarness> {
  const { gateway, options: gatewayOptions, rateLimit, extra = [], only, config, ...kernelOptions } = options;
  const plugins: PluginEntry[] = only ?? [['rate-limit', rateLimit ?? {}], 'auth-password', 'auth-token', ['gateway', gatewayOptions ?? {}], ...extra];
  const kernel = await createTestKernel({
    config: {
      ...config,
      gateway: { bind: 'loopback', auth: { mode: 'password', password: PASSWORD }, ...gateway },
      plugins,
    },
    ...kernelOptions,
    start: false,
  });
  await kernel.load();
  const service = kernel.use(gatewayServiceRef);
  // Port 0: the root schema wants 1..65535, listenOn() (what --port does) takes 0 for a free port.
  service.listenOn({ port: 0 });
  await kernel.start();
  const address = service.address();
  if (address === undefined) throw new Error('gateway did not listen');
  return { kernel, service, port: address.port, url: address.url, httpUrl: address.httpUrl };
}

export interface Frame {
  type: string;
  id?: string | number | null;
  ok?: boolean;
  payload?: any;
  error?: { code: string; message: string; details?: any; retryAfterMs?: number };
  event?: string;
  seq?: number;
}

export interface TestClient {
  ws: WebSocket;
  frames: Frame[];
  /** Resolves with the close code and reason (also for a connection that never opened). */
  closed: Promise<{ code: number; reason: string }>;
  opened: Promise<void>;
  send(frame: unknown): void;
  /** Sends a request and resolves with its response frame. */
  request(method: string, params?: unknown, extra?: Record<string, unknown>): Promise<Frame>;
  connect(auth: Record<string, unknown>, extra?: Record<string, unknown>): Promise<Frame>;
  nextEvent(name: string): Promise<Frame>;
}

let nextId = 0;

export function openClient(url: string, options: ClientOptions = {}): TestClient {
  const ws = new WebSocket(url, { perMessageDeflate: false, ...options });
  const frames: Frame[] = [];
  const waiters = new Map<string | number, (frame: Frame) => void>();
  const eventWaiters: { name: string; resolve: (frame: Frame) => void }[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Frame;
    frames.push(frame);
    if (frame.type === 'res' && frame.id !== undefined && frame.id !== null) waiters.get(frame.id)?.(frame);
    if (frame.type === 'event') {
      const index = eventWaiters.findIndex((waiter) => waiter.name === frame.event);
      if (index !== -1) eventWaiters.splice(index, 1)[0]!.resolve(frame);
    }
  });
  ws.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  opened.catch(() => undefined);
  onTestFinished(() => {
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
  });
  const client: TestClient = {
    ws,
    frames,
    closed,
    opened,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    async request(method, params, extra = {}) {
      await opened;
      const id = `r${++nextId}`;
      const response = new Promise<Frame>((resolve) => waiters.set(id, resolve));
      ws.send(JSON.stringify({ type: 'req', id, method, ...(params === undefined ? {} : { params }), ...extra }));
      return Promise.race([response, closed.then(({ code, reason }) => ({ type: 'closed', error: { code: `closed ${code}`, message: reason } }))]);
    },
    connect(auth, extra = {}) {
      return client.request('connect', { minProtocol: 1, maxProtocol: 1, client: { id: 'test', version: '1.0.0' }, auth, ...extra });
    },
    nextEvent(name) {
      return new Promise((resolve) => eventWaiters.push({ name, resolve }));
    },
  };
  return client;
}

/** Opens and authenticates; throws when the gateway says no. */
export async function connectClient(url: string, auth: Record<string, unknown> = { password: PASSWORD }, options: ClientOptions = {}): Promise<TestClient> {
  const client = openClient(url, options);
  const hello = await client.connect(auth);
  if (!hello.ok) throw new Error(`connect failed: ${JSON.stringify(hello.error)}`);
  return client;
}

export function logText(kernel: TestKernel): string {
  return kernel.logs.map((record) => JSON.stringify(record)).join('\n');
}
