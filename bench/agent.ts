/**
 * Agent bench. In one run, through a real gateway over WebSocket: serial latency of a chat run
 * (chat.send → chat.final: gateway → agent → model → durable session write → reply events)
 * next to the bare gateway `ping`, alternating rounds so both meet the same CPU regime
 * (DESIGN §10); then runs per second with many sessions in flight, every message fsynced before
 * it is acknowledged. Two model paths: an in-process instant model API (the agent's own cost)
 * and the fake provider over HTTP through the official `openai` client (what a local
 * OpenAI-compatible server costs on top). Client and server share this process.
 */
import { BENCH_PASSWORD as PASSWORD, startBenchGateway, UNREACHABLE_RATE_LIMITS } from './gateway-kernel.ts';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { definePlugin } from '../core/plugin.ts';
import type { ModelApi } from '../sdk/agent/types.ts';
import { agentRoster, compileBindings } from '../sdk/agent/index.ts';
import { createIdentityFiles } from '../plugins/agent/identity-files.ts';
import { startFakeProvider } from '../test/helpers/fake-provider.ts';
import { row, summarize } from './stats.ts';


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

export function startStack(model: string, providers: Record<string, unknown>, stateDir: string, extra: unknown[] = [], more: Record<string, any> = {}) {
  return startBenchGateway({
    ...more,
    agent: { model },
    agents: { maxConcurrentRuns: 256, maxQueuedRuns: 10_000, ...more['agents'] },
    providers,
    gateway: { auth: { mode: 'password', password: PASSWORD }, rateLimiting: UNREACHABLE_RATE_LIMITS },
    plugins: ['rate-limit', 'auth-password', 'auth-token', 'gateway', 'cache', 'cache-memory', 'session-store-file', 'provider-openai', instantPlugin, 'agent', ...extra],
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

/**
 * The usage ledger with budgets (a hard daily USD limit, a hard per-session token limit, a soft
 * monthly one; none ever reached) against the same stack without usage: two gateways in this
 * process, serial chat runs alternating between them turn by turn, so both meet the same CPU
 * and disk regime. The per-turn cost is the ratio of the medians.
 */
const USAGE_WITH_BUDGETS = ['usage', {
  prices: { 'instant/echo': { input: 1, output: 4 } },
  timezone: 'UTC',
  budgets: [
    { name: 'daily-usd', scope: 'global', period: 'day', usd: 1e9 },
    { name: 'session-tokens', scope: 'session', period: 'total', tokens: 1e12 },
    { name: 'agent-month', scope: 'agent', period: 'month', usd: 1e9, mode: 'soft' },
  ],
}];

async function usageOverhead(rounds: number): Promise<string[]> {
  const providers = { instant: { api: 'instant', baseURL: 'http://127.0.0.1:9/v1' } };
  const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'moltbot-bench-usage-')));
  const bare = await startStack('instant/echo', providers, dirs[0]!);
  const counted = await startStack('instant/echo', providers, dirs[1]!, [USAGE_WITH_BUDGETS]);
  try {
    const clients = [await openClient(bare.url), await openClient(counted.url)];
    const samples: number[][] = [[], []];
    for (let i = 0; i < 100; i++) for (const client of clients) await client.chat(`agent:main:bench:dm:warm${Math.floor(i / 10)}`, 'warm');
    // Turn by turn, alternating which stack goes first: both see the same moment's disk and CPU.
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? [0, 1] : [1, 0];
      for (const n of order) samples[n]!.push(await timed(() => clients[n]!.chat(`agent:main:bench:dm:usage-${Math.floor(i / 10)}`, `message ${i}`)));
    }
    for (const client of clients) client.ws.terminate();
    const [without, withUsage] = samples.map(summarize) as [ReturnType<typeof summarize>, ReturnType<typeof summarize>];
    return [
      row('agent: usage ledger + 3 budgets (instant model)', ''),
      row('  chat run p50 without / with', `${without.median.toFixed(3)} / ${withUsage.median.toFixed(3)} ms`),
      row('  chat run mean without / with', `${without.mean.toFixed(3)} / ${withUsage.mean.toFixed(3)} ms`),
      row('  usage + budgets per turn, p50 ratio', `${((withUsage.median / without.median - 1) * 100).toFixed(2)} %`, 'goal ≤ 2 %'),
    ];
  } finally {
    await Promise.all([bare.kernel.close(), counted.kernel.close()]);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Routing cost: one gateway with a single agent next to one with three agents (agents.list,
 * bindings, per-agent tool limits, identity files in each workspace), blocks of 50 serial
 * turns alternating between them. Each turn's session key goes through the bindings (what a
 * channel message does) on the multi-agent stack; the single-agent turn uses the main agent.
 */
export async function benchRouting(lines: string[]): Promise<void> {
  const providers = { instant: { api: 'instant', baseURL: 'http://127.0.0.1:9/v1' } };
  const dirs = ['single', 'control', 'multi'].map((name) => mkdtempSync(join(tmpdir(), `moltbot-bench-${name}-`)));
  const multiDir = dirs[2]!;
  const workspaces = ['home', 'work', 'ops'].map((id) => {
    const dir = join(multiDir, `ws-${id}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'SOUL.md'), `You are the ${id} agent. Be brief.`);
    writeFileSync(join(dir, 'USER.md'), 'The user prefers short answers.');
    return { id, dir };
  });
  const multiConfig = {
    agents: { list: workspaces.map(({ id, dir }, i) => ({ id, model: 'instant/echo', workspace: dir, ...(i === 0 ? { default: true } : {}), tools: { deny: ['exec'] } })) },
    bindings: [
      { agentId: 'work', match: { channel: 'bench' } },
      { agentId: 'ops', match: { channel: 'bench', peer: 'oncall' } },
      { agentId: 'home', match: { channel: 'irc' } },
      { agentId: 'ops', match: { channel: 'slack', accountId: 'ops' } },
    ],
  };
  const stacks = [
    await startStack('instant/echo', providers, dirs[0]!),
    // A second single-agent gateway: the same path measured twice shows this run's noise floor.
    await startStack('instant/echo', providers, dirs[1]!),
    await startStack('instant/echo', providers, multiDir, [], multiConfig),
  ];
  try {
    const multi = stacks[2]!.kernel;
    const router = compileBindings(multi.config, agentRoster(multi.config, { mainWorkspace: multi.paths.workspace, home: homedir() }));
    const clients = await Promise.all(stacks.map((stack) => openClient(stack.url)));
    const keys = [
      (peer: string) => `agent:main:bench:dm:${peer}`,
      (peer: string) => `agent:main:bench:dm:${peer}`,
      (peer: string) => `agent:${router.route({ channel: 'bench', chatType: 'dm', sender: peer, chatId: peer })}:bench:dm:${peer}`,
    ];
    const samples: number[][] = [[], [], []];
    // Per round, each stack's block median: rounds are paired, so load that comes and goes on a
    // shared machine hits the three blocks of a round alike; the ratio is the median of the rounds'.
    const rounds: number[][] = [[], [], []];
    const block = async (which: number, n: number, record: boolean) => {
      const mine: number[] = [];
      for (let i = 0; i < 50; i++) mine.push(await timed(() => clients[which]!.chat(keys[which]!(`s${n}-${Math.floor(i / 10)}`), `message ${i}`)));
      if (!record) return;
      samples[which]!.push(...mine);
      rounds[which]!.push(summarize(mine).median);
    };
    for (let n = 0; n < 2; n++) for (const which of [0, 1, 2]) await block(which, n, false);
    // The order rotates every round: no stack always runs first (drift and GC land on all).
    for (let n = 2; n < 32; n++) for (let k = 0; k < 3; k++) await block((n + k) % 3, n, true);
    const [one, control, many] = samples.map((s) => summarize(s));
    const pairedPct = (other: number[]) => (summarize(other.map((ms, round) => ms / rounds[0]![round]!)).median - 1) * 100;
    lines.push(row('agent: routing (3 agents, 4 bindings, identity files) vs single agent', ''));
    lines.push(row('  single agent turn p50 / mean', `${one!.median.toFixed(3)} / ${one!.mean.toFixed(3)} ms`));
    lines.push(row('  routed multi-agent turn p50 / mean', `${many!.median.toFixed(3)} / ${many!.mean.toFixed(3)} ms`));
    lines.push(row('  routing overhead per turn, p50', `${(((many!.median - one!.median) / one!.median) * 100).toFixed(1)} %`, `paired rounds ${pairedPct(rounds[2]!).toFixed(1)} %; goal ≤ 5 %`));
    lines.push(row('  noise floor: same single-agent path twice, p50', `${(((control!.median - one!.median) / one!.median) * 100).toFixed(1)} %`, `paired rounds ${pairedPct(rounds[1]!).toFixed(1)} %`));
    // The routing work itself, without the WS and disk noise around a turn: bindings, the
    // agent's profile, its tool limits for every tool, its cached identity files.
    const identity = createIdentityFiles();
    const roster = agentRoster(multi.config, { mainWorkspace: multi.paths.workspace, home: homedir() });
    const toolNames = ['read', 'write', 'edit', 'exec', 'sessions_list', 'sessions_history', 'sessions_send', 'memory_search'];
    await identity.section(workspaces[1]!.dir);
    const iterations = 20_000;
    const began = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) {
      const agentId = router.route({ channel: 'bench', chatType: 'dm', sender: `peer${i & 63}`, chatId: `peer${i & 63}` });
      const profile = roster.get(agentId)!;
      for (const tool of toolNames) roster.toolRefusal(agentId, tool);
      await identity.section(profile.workspace);
    }
    const perTurnMs = Number(process.hrtime.bigint() - began) / 1e6 / iterations;
    lines.push(row('  routing work per turn (in-process)', `${(perTurnMs * 1000).toFixed(2)} µs`, `${((perTurnMs / one!.median) * 100).toFixed(2)} % of the single-agent p50`));
    for (const client of clients) client.ws.terminate();
  } finally {
    for (const stack of stacks) await stack.kernel.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchAgent(): Promise<string[]> {
  const lines: string[] = [];
  lines.push(...(await usageOverhead(1000)));
  await benchRouting(lines);
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
