/**
 * Gateway bench. In one run, against a bare `ws` echo server that speaks the same JSON framing
 * (parse the request, answer `{type:"res",id,ok:true,payload}`): RPC round trips per second on
 * one connection (serial), on 10 connections with one request in flight each, and on 50
 * connections (pipelined), p50/p99 latency, handshakes per second, RSS per idle connection with
 * 10 000 connections, and the idle RSS of a `moltbot gateway` process tree after start against a
 * bare ws server process. The time to start is start.ts's.
 *
 * The servers run in this process and the load comes from a child process (this file again,
 * with CLIENT_FLAG), so client and server do not share a thread. Echo and gateway rounds
 * alternate and each gateway figure is a ratio to the echo round next to it, so both sides of a
 * ratio met the same CPU regime (DESIGN §10); rounds are short (0.3 s) and many (16 pairs) because
 * this shared machine's speed drifts between seconds (the echo's own rate moved 19–44k/s between
 * 1.5 s rounds). The servers' CPU per request is read around each round in this process. RSS per idle connection is measured in a fresh
 * server process per target (SERVER_FLAG): this process's heap has grown during the rounds.
 */
import { BENCH_PASSWORD as PASSWORD, startBenchGateway, UNREACHABLE_RATE_LIMITS } from './gateway-kernel.ts';
import { accepts } from '../test/helpers/net.ts';
import { pollUntil, spawnServer, type ServerKind } from './spawned-server.ts';
import { builtPackageBin } from './built-package.ts';
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';
import { open, type Auth } from './ws-client.ts';
import { median, medianRatio, row, settledRss, summarize, verdict } from './stats.ts';

const CLIENT_FLAG = '--gateway-bench-client';
const SERVER_FLAG = '--gateway-bench-server';
const IDLE_CONNECTIONS = 10_000;
const PIPELINED_CONNECTIONS = 50;
const PIPELINE_DEPTH = 8;
/** Several clients each waiting for its answer: per-request cost without pipelining to hide it. */
const SERIAL_CONNECTIONS = 10;

/** What the load generator reports for a round. */
interface RoundResult {
  requests: number;
  seconds: number;
  /** Round-trip latencies in microseconds (all of them, or a uniform sample). */
  latencies: number[];
  /** CPU of this (the servers') process during the round, µs: set here, not by the load generator. */
  serverCpuUs?: number;
}

// ------------------------------------------------------------------------------------------
// Servers (this process)

interface Target {
  name: string;
  url: string;
  auth: Auth;
  close(): Promise<void>;
}

async function startEcho(): Promise<Target> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: true });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { id: unknown };
      ws.send(JSON.stringify({ type: 'res', id: frame.id, ok: true, payload: { pong: true, ts: Date.now() } }));
    });
    ws.on('error', () => undefined);
  });
  const { port } = wss.address() as { port: number };
  return {
    name: 'echo',
    url: `ws://127.0.0.1:${port}/`,
    auth: undefined,
    close: () => new Promise((resolve) => {
      for (const client of wss.clients) client.terminate();
      wss.close(() => resolve());
    }),
  };
}

async function startGateway(stateDir: string): Promise<Target> {
  const { kernel, url } = await startBenchGateway({
    gateway: { auth: { mode: 'password', password: PASSWORD }, maxConnections: IDLE_CONNECTIONS + 1_000, rateLimiting: UNREACHABLE_RATE_LIMITS },
    plugins: ['rate-limit', 'auth-password', 'auth-token', ['gateway', { maxPendingHandshakes: 5_000, maxPendingHandshakesPerIp: 5_000 }]],
  }, stateDir);
  return { name: 'gateway', url, auth: { password: PASSWORD }, close: () => kernel.close() };
}

// ------------------------------------------------------------------------------------------
// Load generator (child process)

async function serial(url: string, auth: Auth, count: number): Promise<RoundResult> {
  const client = await open(url, auth);
  for (let i = 0; i < 200; i++) await client.request();
  const latencies: number[] = [];
  const began = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    if ((await client.request()) !== 1) throw new Error('request failed');
    latencies.push(Number(process.hrtime.bigint() - start) / 1_000);
  }
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  client.ws.terminate();
  return { requests: count, seconds, latencies };
}

async function pipelined(url: string, auth: Auth, connections: number, depth: number, durationMs: number): Promise<RoundResult> {
  const clients = await Promise.all(Array.from({ length: connections }, () => open(url, auth)));
  const latencies: number[] = [];
  let requests = 0;
  let failed = 0;
  let running = true;
  const began = process.hrtime.bigint();
  const lane = async (client: { request(): Promise<number> }) => {
    while (running) {
      const start = process.hrtime.bigint();
      if ((await client.request()) !== 1) failed++;
      requests++;
      // A uniform sample keeps memory flat at any throughput.
      if (latencies.length < 200_000) latencies.push(Number(process.hrtime.bigint() - start) / 1_000);
    }
  };
  const lanes = clients.flatMap((client) => Array.from({ length: depth }, () => lane(client)));
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  running = false;
  await Promise.all(lanes);
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  for (const client of clients) client.ws.terminate();
  if (failed > 0) throw new Error(`${failed} pipelined requests failed`);
  return { requests, seconds, latencies };
}

async function handshakes(url: string, auth: Auth, count: number, concurrency: number, pipelined: boolean): Promise<RoundResult> {
  let started = 0;
  const latencies: number[] = [];
  const began = process.hrtime.bigint();
  const worker = async () => {
    while (started < count) {
      started++;
      const start = process.hrtime.bigint();
      // Until the first ping is answered: sent with `connect` (pipelined) or after hello-ok.
      const client = await open(url, auth, pipelined);
      if (!pipelined) await client.request();
      latencies.push(Number(process.hrtime.bigint() - start) / 1_000);
      client.ws.terminate();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { requests: count, seconds: Number(process.hrtime.bigint() - began) / 1e9, latencies };
}

const idleClients: WebSocket[] = [];

async function openIdle(url: string, auth: Auth, count: number, concurrency: number): Promise<void> {
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started++;
      idleClients.push((await open(url, auth)).ws);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function releaseIdle(): Promise<void> {
  await Promise.all(idleClients.splice(0).map((ws) => new Promise<void>((resolve) => {
    ws.once('close', () => resolve());
    ws.terminate();
  })));
}

type Command =
  | { op: 'serial'; url: string; auth: Auth; count: number }
  | { op: 'pipelined'; url: string; auth: Auth; durationMs: number; connections: number; depth: number }
  | { op: 'handshakes'; url: string; auth: Auth; count: number; pipelined: boolean }
  | { op: 'idle'; url: string; auth: Auth; count: number }
  | { op: 'release' };

async function runCommand(command: Command): Promise<RoundResult | null> {
  switch (command.op) {
    case 'serial': return serial(command.url, command.auth, command.count);
    case 'pipelined': return pipelined(command.url, command.auth, command.connections, command.depth, command.durationMs);
    case 'handshakes': return handshakes(command.url, command.auth, command.count, 8, command.pipelined);
    case 'idle': await openIdle(command.url, command.auth, command.count, 64); return null;
    case 'release': await releaseIdle(); return null;
  }
}

function clientMain(): void {
  process.on('message', (message: { seq: number; command: Command }) => {
    runCommand(message.command).then(
      (result) => process.send!({ seq: message.seq, result }),
      (error: unknown) => process.send!({ seq: message.seq, error: String(error) }),
    );
  });
}

function serverMain(kind: string): void {
  const stateDir = mkdtempSync(join(tmpdir(), 'moltbot-bench-server-'));
  const started = kind === 'gateway' ? startGateway(stateDir) : startEcho();
  process.on('message', (message: { op: 'rss' | 'stop' }) => {
    if (message.op === 'rss') {
      void settledRss().then((rss) => process.send!({ rss, heapUsed: process.memoryUsage().heapUsed }));
    } else {
      void started.then((target) => target.close()).finally(() => {
        rmSync(stateDir, { recursive: true, force: true });
        process.exit(0);
      });
    }
  });
  started.then((target) => process.send!({ url: target.url }), (error: unknown) => {
    process.send!({ error: String(error) });
    process.exit(1);
  });
}

// ------------------------------------------------------------------------------------------
// Orchestration (this process)

/** RSS (and heap) growth per idle connection of a fresh server process holding `count` of them. */
async function idleCost(kind: 'echo' | 'gateway', client: ReturnType<typeof startClientProcess>, count: number): Promise<{ rssKb: number; heapKb: number }> {
  const server = fork(fileURLToPath(import.meta.url), [SERVER_FLAG, kind], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>() => new Promise<T>((resolve) => server.once('message', (message) => resolve(message as T)));
  try {
    const ready = await next<{ url?: string; error?: string }>();
    if (ready.url === undefined) throw new Error(`bench server failed: ${ready.error}`);
    const measure = async () => {
      const answer = next<{ rss: number; heapUsed: number }>();
      server.send({ op: 'rss' });
      return answer;
    };
    const before = await measure();
    await client.run({ op: 'idle', url: ready.url, auth: kind === 'gateway' ? { password: PASSWORD } : undefined, count });
    const after = await measure();
    await client.run({ op: 'release' });
    return { rssKb: (after.rss - before.rss) / count / 1024, heapKb: (after.heapUsed - before.heapUsed) / count / 1024 };
  } finally {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.send({ op: 'stop' });
    await exited;
  }
}

function startClientProcess() {
  const child = fork(fileURLToPath(import.meta.url), [CLIENT_FLAG], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let seq = 0;
  const waiting = new Map<number, { resolve(result: RoundResult | null): void; reject(error: Error): void }>();
  child.on('message', (message: { seq: number; result?: RoundResult | null; error?: string }) => {
    const waiter = waiting.get(message.seq);
    waiting.delete(message.seq);
    if (message.error !== undefined) waiter?.reject(new Error(message.error));
    else waiter?.resolve(message.result ?? null);
  });
  return {
    run(command: Command): Promise<RoundResult | null> {
      const id = ++seq;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child.send({ seq: id, command });
      });
    },
    stop: () => child.kill(),
  };
}

/** How long a started server sits idle before its RSS is read: start-up work (ready taps, first timers) is over by then. */
const IDLE_SETTLE_MS = 3_000;

/** RSS of a process and every descendant (threads' children included), from /proc. */
function treeRssBytes(pid: number): number {
  let total = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const current = pending.pop()!;
    let status: string;
    try {
      status = readFileSync(`/proc/${current}/status`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    total += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${current}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        for (const child of readFileSync(`/proc/${current}/task/${task}/children`, 'utf8').trim().split(/\s+/)) if (child !== '') pending.push(Number(child));
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return total;
}

/** Spawns a server, waits for its port and IDLE_SETTLE_MS more, and returns its tree's RSS. */
async function startedRss(kind: ServerKind, config?: object, bin?: string): Promise<number> {
  const server = await spawnServer(kind, { ...(config === undefined ? {} : { config }), ...(bin === undefined ? {} : { bin }) });
  try {
    const listening = await pollUntil(server, () => accepts(server.port), 5);
    if (listening) await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
    const rss = server.exitCode() === undefined ? treeRssBytes(server.pid) : 0;
    if (!listening || rss === 0) throw new Error(`the ${kind} server did not stay up (exit ${server.exitCode()}):\n${server.stderrTail()}`);
    return rss;
  } finally {
    await server.stop();
  }
}

/**
 * Idle RSS after start, gateway (embedded preset) against a bare ws server, alternating. One
 * gateway start first, unmeasured: bin/moltbot.js keeps Node's compile cache, so every later
 * start skips type stripping as an installed (compiled) package does.
 */
async function idleTreeRss(pairs: number): Promise<Record<'echo' | 'gateway' | 'untrimmed' | 'packaged' | 'packagedUntrimmed', number> & { ratio(kind: 'gateway' | 'untrimmed' | 'packaged' | 'packagedUntrimmed'): number }> {
  const packagedBin = builtPackageBin();
  await startedRss('gateway', DEFAULT_IDLE_TRIM);
  await startedRss('gateway', DEFAULT_IDLE_TRIM, packagedBin);
  const runs = { echo: [] as number[], gateway: [] as number[], untrimmed: [] as number[], packaged: [] as number[], packagedUntrimmed: [] as number[] };
  const start = {
    echo: () => startedRss('echo'),
    gateway: () => startedRss('gateway', DEFAULT_IDLE_TRIM),
    untrimmed: () => startedRss('gateway', NO_IDLE_COLLECTION),
    packaged: () => startedRss('gateway', DEFAULT_IDLE_TRIM, packagedBin),
    packagedUntrimmed: () => startedRss('gateway', NO_IDLE_COLLECTION, packagedBin),
  };
  const kinds = Object.keys(start) as (keyof typeof start)[];
  for (let pair = 0; pair < pairs; pair++) {
    for (const kind of pair % 2 === 0 ? kinds : [...kinds].reverse()) runs[kind].push(await start[kind]());
  }
  return {
    echo: median(runs.echo), gateway: median(runs.gateway), untrimmed: median(runs.untrimmed), packaged: median(runs.packaged), packagedUntrimmed: median(runs.packagedUntrimmed),
    ratio: (kind) => medianRatio(runs[kind], runs.echo),
  };
}

/** The default (plugins/gateway/idle-memory.ts: start-up's young generation given back after 1 s of quiet before the first request), written in a config file. */
const DEFAULT_IDLE_TRIM = { plugins: [['gateway', { idleMemoryTrimMs: 30_000 }]] };
/** Without that collection, written the same way: what it gives back within IDLE_SETTLE_MS. */
const NO_IDLE_COLLECTION = { plugins: [['gateway', { idleMemoryTrimMs: 0 }]] };

const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1);
const us = (value: number) => `${value.toFixed(0)} µs`;
const perSecond = (result: RoundResult) => result.requests / result.seconds;

const PAIRS = 16;

export async function benchGateway(): Promise<string[]> {
  const stateDir = mkdtempSync(join(tmpdir(), 'moltbot-bench-gateway-'));
  const client = startClientProcess();
  const lines = [`# gateway: servers in this process, load from a child process; one unmeasured warm-up round of each kind, then ${PAIRS} alternating echo/gateway pairs, gateway figures as medians of per-pair ratios`];
  try {
    const echo = await startEcho();
    const gateway = await startGateway(stateDir);
    type Kind = 'serial' | 'serial10' | 'pipelined' | 'handshakes' | 'handshakesWaiting';
    const results: Record<Kind, { echo: RoundResult[]; gateway: RoundResult[] }> = {
      serial: { echo: [], gateway: [] }, serial10: { echo: [], gateway: [] }, pipelined: { echo: [], gateway: [] }, handshakes: { echo: [], gateway: [] }, handshakesWaiting: { echo: [], gateway: [] },
    };
    const commands: Record<Kind, (target: Target) => Command> = {
      serial: (target) => ({ op: 'serial', url: target.url, auth: target.auth, count: 750 }),
      serial10: (target) => ({ op: 'pipelined', url: target.url, auth: target.auth, durationMs: 300, connections: SERIAL_CONNECTIONS, depth: 1 }),
      pipelined: (target) => ({ op: 'pipelined', url: target.url, auth: target.auth, durationMs: 300, connections: PIPELINED_CONNECTIONS, depth: PIPELINE_DEPTH }),
      handshakes: (target) => ({ op: 'handshakes', url: target.url, auth: target.auth, count: 500, pipelined: true }),
      // The echo answers any frame, so a credential makes it answer a `connect` first: the
      // same three round trips as a client that waits for hello-ok.
      handshakesWaiting: (target) => ({ op: 'handshakes', url: target.url, auth: target.auth ?? { password: 'unused' }, count: 500, pipelined: false }),
    };
    try {
      // One unmeasured round of every kind on both servers first: V8 has optimised the hot
      // paths of each (the gateway has more code to warm up) before anything is counted.
      for (const kind of Object.keys(commands) as Kind[]) {
        for (const target of [echo, gateway]) await client.run(commands[kind](target));
      }
      for (let pair = 0; pair < PAIRS; pair++) {
        for (const kind of Object.keys(commands) as Kind[]) {
          // Which side goes first alternates too, so neither always follows the other.
          const order = pair % 2 === 0 ? [echo, gateway] : [gateway, echo];
          for (const target of order) {
            const before = process.cpuUsage();
            const result = (await client.run(commands[kind](target)))!;
            const used = process.cpuUsage(before);
            results[kind][target.name as 'echo' | 'gateway'].push({ ...result, serverCpuUs: used.user + used.system });
          }
        }
      }
    } finally {
      await gateway.close();
      await echo.close();
    }
    const ratio = (kind: Kind) => medianRatio(results[kind].gateway.map(perSecond), results[kind].echo.map(perSecond));
    const rate = (results: RoundResult[]) => median(results.map(perSecond));
    const latency = (results: RoundResult[]) => summarize(results.flatMap((result) => result.latencies));
    const cpuPerRequest = (results: RoundResult[]) => median(results.map((result) => result.serverCpuUs! / result.requests));
    const p99 = (result: RoundResult) => summarize(result.latencies).p99;
    const p99Ratio = (kind: Kind) => medianRatio(results[kind].gateway.map(p99), results[kind].echo.map(p99));

    for (const kind of ['serial', 'serial10', 'pipelined'] as const) {
      const label = kind === 'serial' ? 'RPC serial, 1 connection'
        : kind === 'serial10' ? `RPC serial, ${SERIAL_CONNECTIONS} conns × 1 in flight` : `RPC pipelined, ${PIPELINED_CONNECTIONS} conns × ${PIPELINE_DEPTH} in flight`;
      const goal = kind === 'serial10' ? 0.9 : 0.7;
      const echoLatency = latency(results[kind].echo);
      const gatewayLatency = latency(results[kind].gateway);
      const throughput = ratio(kind);
      const tail = p99Ratio(kind);
      lines.push(
        row(`${label}: echo`, `${rate(results[kind].echo).toFixed(0)} req/s`, `p50 ${us(echoLatency.median)}, p99 ${us(echoLatency.p99)}; server CPU ${cpuPerRequest(results[kind].echo).toFixed(1)} µs/req`),
        row(`${label}: gateway`, `${rate(results[kind].gateway).toFixed(0)} req/s`,
          `${(throughput * 100).toFixed(0)} % of echo (goal ≥ ${goal * 100} %): ${verdict(throughput >= goal)}; p50 ${us(gatewayLatency.median)}, ` +
          `p99 ${us(gatewayLatency.p99)} = ${tail.toFixed(2)}x echo (goal ≤ 2x): ${verdict(tail <= 2)}; server CPU ${cpuPerRequest(results[kind].gateway).toFixed(1)} µs/req`),
      );
    }
    lines.push(
      row('handshakes (open + first answer), 8 at a time: echo', `${rate(results.handshakes.echo).toFixed(0)} /s`, `no auth; server CPU ${cpuPerRequest(results.handshakes.echo).toFixed(0)} µs each`),
      row('handshakes (open + connect + ping sent with it): gateway', `${rate(results.handshakes.gateway).toFixed(0)} /s`,
        `${ratio('handshakes').toFixed(2)}× bare ws (goal ≥ 0.85×): ${verdict(ratio('handshakes') >= 0.85)}; auth with lockout check and secret re-read; server CPU ${cpuPerRequest(results.handshakes.gateway).toFixed(0)} µs each`),
      row('same, ping after hello-ok: echo answering a connect frame first', `${rate(results.handshakesWaiting.echo).toFixed(0)} /s`, `three round trips, no auth; server CPU ${cpuPerRequest(results.handshakesWaiting.echo).toFixed(0)} µs each`),
      row('same, ping after hello-ok: gateway', `${rate(results.handshakesWaiting.gateway).toFixed(0)} /s`, `${ratio('handshakesWaiting').toFixed(2)}× that echo; server CPU ${cpuPerRequest(results.handshakesWaiting.gateway).toFixed(0)} µs each`),
    );
    for (const kind of ['echo', 'gateway'] as const) {
      const cost = await idleCost(kind, client, IDLE_CONNECTIONS);
      lines.push(row(`RSS per idle connection, ${IDLE_CONNECTIONS} connections: ${kind}`, `${cost.rssKb.toFixed(2)} KB`,
        `heap ${cost.heapKb.toFixed(2)} KB; ${kind === 'gateway' ? `goal ≤ 10 KB: ${verdict(cost.rssKb <= 10)} (authenticated, heartbeat on)` : 'bare ws'}`));
    }
  } finally {
    client.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }

  const idle = await idleTreeRss(3);
  lines.push(
    row('idle RSS after start, process tree: bare ws server', `${mb(idle.echo)} MB`, 'node + ws, plain JS, median of 3'),
    row('idle RSS after start, process tree: moltbot gateway', `${mb(idle.gateway)} MB`,
      `embedded preset, ${IDLE_SETTLE_MS / 1000} s after listening; ${idle.ratio('gateway').toFixed(2)}× bare ws (goal ≤ 1.4×): ${verdict(idle.ratio('gateway') <= 1.4)}`),
    row('  same, idleMemoryTrimMs: 0 (no idle collection)', `${mb(idle.untrimmed)} MB`,
      `${idle.ratio('untrimmed').toFixed(2)}× bare ws: the young generation start-up grew, kept`),
    row('  same, built package (dist/, as npm installs it)', `${mb(idle.packaged)} MB`,
      `${idle.ratio('packaged').toFixed(2)}× bare ws (goal ≤ 1.4×): ${verdict(idle.ratio('packaged') <= 1.4)}; with idleMemoryTrimMs 0: ${mb(idle.packagedUntrimmed)} MB, ${idle.ratio('packagedUntrimmed').toFixed(2)}×`),
  );

  return lines;
}

if (process.argv.includes(CLIENT_FLAG)) clientMain();
if (process.argv.includes(SERVER_FLAG)) serverMain(process.argv[process.argv.indexOf(SERVER_FLAG) + 1] ?? 'echo');
