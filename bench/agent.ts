/**
 * Agent bench. In one run, through a real gateway over WebSocket: serial latency of a chat run
 * (chat.send → chat.final: gateway → agent → model → durable session write → reply events)
 * next to the bare gateway `ping`, alternating rounds so both meet the same CPU regime
 * (DESIGN §10); then runs per second with many sessions in flight, every message fsynced before
 * it is acknowledged. Two model paths: an in-process instant model API (the agent's own cost)
 * and the fake provider over HTTP through the official `openai` client (what a local
 * OpenAI-compatible server costs on top). Client and server share this process.
 */
import { startBenchGateway, UNREACHABLE_RATE_LIMITS } from './gateway-kernel.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { definePlugin } from '../core/plugin.ts';
import type { ModelApi } from '../sdk/agent/types.ts';
import { startFakeProvider } from '../test/helpers/fake-provider.ts';
import { row, summarize } from './stats.ts';

const PASSWORD = 'bench-password-0123456789abcdef';

const instantApi: ModelApi = {
  api: 'instant',
  keyEnv: 'INSTANT_API_KEY',
  async *stream(call) {
    const last = call.messages[call.messages.length - 1];
    yield { type: 'text', text: `echo: ${last?.content ?? ''}` };
    yield { type: 'done', stopReason: 'stop', usage: { input: 10, output: 3 } };
  },
};

const instantPlugin = definePlugin({
  name: 'bench-instant-model',
  version: '1.0.0',
  setup(ctx) {
    ctx.provide('model-api:instant', instantApi);
  },
});

export interface Client {
  ws: WebSocket;
  request(method: string, params: unknown): Promise<any>;
  /** Sends chat.send and resolves at its chat.final. */
  chat(sessionKey: string, message: string): Promise<void>;
}

export function openClient(url: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    let nextId = 0;
    const pending = new Map<number, (frame: any) => void>();
    const finals = new Map<string, () => void>();
    const early = new Set<string>();
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'res') {
        pending.get(frame.id)?.(frame);
        pending.delete(frame.id);
      } else if (frame.event === 'chat.final') {
        const done = finals.get(frame.payload.runId);
        if (done) {
          finals.delete(frame.payload.runId);
          done();
        } else early.add(frame.payload.runId);
      }
    });
    ws.once('error', reject);
    const request = (method: string, params: unknown) => new Promise<any>((done) => {
      const id = ++nextId;
      pending.set(id, done);
      ws.send(JSON.stringify({ type: 'req', id, method, params }));
    });
    ws.once('open', async () => {
      const hello = await request('connect', { minProtocol: 1, maxProtocol: 1, client: { id: 'bench', version: '1' }, auth: { password: PASSWORD } });
      if (!hello.ok) return reject(new Error(`bench client could not connect: ${JSON.stringify(hello.error)}`));
      resolve({
        ws,
        request,
        async chat(sessionKey, message) {
          const response = await request('chat.send', { sessionKey, message });
          if (!response.ok) throw new Error(`chat.send failed: ${JSON.stringify(response.error)}`);
          const runId = response.payload.runId as string;
          if (early.delete(runId)) return;
          await new Promise<void>((done) => finals.set(runId, done));
        },
      });
    });
  });
}

export function startStack(model: string, providers: Record<string, unknown>, stateDir: string) {
  return startBenchGateway({
    agent: { model },
    agents: { maxConcurrentRuns: 256, maxQueuedRuns: 10_000 },
    providers,
    gateway: { auth: { mode: 'password', password: PASSWORD }, rateLimiting: UNREACHABLE_RATE_LIMITS },
    plugins: ['rate-limit', 'auth-password', 'auth-token', 'gateway', 'cache', 'cache-memory', 'session-store-file', 'provider-openai', instantPlugin, 'agent'],
  }, stateDir);
}

export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Serial latencies of ping and of a chat run, alternating in blocks of 50. */
async function serial(client: Client, rounds: number): Promise<{ ping: number[]; chat: number[] }> {
  const ping: number[] = [];
  const chat: number[] = [];
  for (let i = 0; i < 100; i++) {
    await client.request('ping', {});
    await client.chat(`agent:main:bench:dm:warm${Math.floor(i / 10)}`, 'warm');
  }
  for (let block = 0; block < rounds / 50; block++) {
    for (let i = 0; i < 50; i++) ping.push(await timed(() => client.request('ping', {})));
    // A new session every 10 messages: a conversation's context stays short (compaction bounds
    // it in real use), so the figure is the per-run cost, not a growing history's.
    for (let i = 0; i < 50; i++) chat.push(await timed(() => client.chat(`agent:main:bench:dm:serial${block}-${Math.floor(i / 10)}`, `message ${i}`)));
  }
  return { ping, chat };
}

/** Runs/s with `sessions` sessions each running back to back for `ms` (session keys start with `tag`). */
export async function throughput(client: Client, sessions: number, ms: number, tag = 'load'): Promise<{ runs: number; seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  let runs = 0;
  const deadline = Date.now() + ms;
  const began = process.hrtime.bigint();
  await Promise.all(Array.from({ length: sessions }, async (_, s) => {
    for (let n = 0; Date.now() < deadline; n++) {
      latencies.push(await timed(() => client.chat(`agent:main:bench:dm:${tag}${s}-${Math.floor(n / 10)}`, 'load')));
      runs++;
    }
  }));
  return { runs, seconds: Number(process.hrtime.bigint() - began) / 1e9, latencies };
}

export async function benchAgent(): Promise<string[]> {
  const lines: string[] = [];
  const fake = await startFakeProvider();
  const paths = [
    { label: 'instant model (in-process)', model: 'instant/echo', providers: { instant: { api: 'openai', baseURL: 'http://127.0.0.1:9/v1' } } },
    { label: 'fake provider over HTTP (openai client)', model: 'fake/echo', providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL } } },
  ];
  try {
    for (const path of paths) {
      const stateDir = mkdtempSync(join(tmpdir(), 'moltbot-bench-agent-'));
      // The instant path resolves `instant/…` to the in-process API by its api name.
      const providers = path.model.startsWith('instant/') ? { instant: { ...path.providers.instant, api: 'instant' } } : path.providers;
      const stack = await startStack(path.model, providers as Record<string, unknown>, stateDir);
      try {
        const client = await openClient(stack.url);
        const { ping, chat } = await serial(client, 1000);
        const p = summarize(ping);
        const c = summarize(chat);
        lines.push(row(`agent: ${path.label}`, ''));
        lines.push(row('  ping p50 / p99', `${p.median.toFixed(3)} / ${p.p99.toFixed(3)} ms`));
        lines.push(row('  chat run p50 / p99 (send → chat.final)', `${c.median.toFixed(3)} / ${c.p99.toFixed(3)} ms`));
        lines.push(row('  agent path over ping, p50', `${(c.median - p.median).toFixed(3)} ms`, 'goal ≤ 0.5 ms'));
        lines.push(row('  serial runs/s', `${(1000 / c.mean).toFixed(0)}`));
        const load = await throughput(client, 64, 2000);
        const l = summarize(load.latencies);
        lines.push(row('  runs/s, 64 sessions in flight, fsynced', `${(load.runs / load.seconds).toFixed(0)}`, `p50 ${l.median.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms; goal ≥ 1000`));
        client.ws.terminate();
      } finally {
        await stack.kernel.close();
        rmSync(stateDir, { recursive: true, force: true });
      }
    }
  } finally {
    await fake.close();
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await benchAgent()) process.stdout.write(`${line}\n`);
}
