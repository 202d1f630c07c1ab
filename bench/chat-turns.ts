/**
 * Chat turns against their baseline (`npm run bench -- chat`): the gateway (agent, durable file
 * session store, openai client) and the bare durable proxy of chat-proxy.ts, each in its own
 * server process, the fake provider in a third, the WebSocket client here. Rounds alternate
 * (DESIGN §10); figures are medians of per-pair ratios:
 * - turns/s and server CPU per turn at 1 session (serial) and 16 sessions in flight;
 * - memory, in a fresh server process per side: RSS after 1,000 serial turns (after full
 *   collections), peak RSS under 8 rounds of 50 sessions × 20 turns, and growth across the
 *   rounds (settled RSS and heap after round 8 minus after round 1; RSS alone also shows
 *   memory the allocator keeps from the peak).
 * MOLTBOT_BENCH_AGAINST=<another checkout> adds before/after rows: this checkout's gateway
 * against that checkout's (its bench/chat-turns.ts server), alternating rounds, at 1 and 16
 * sessions.
 * A session gets a new key every 10 turns on both sides, so a figure is the per-turn cost, not
 * a growing history's. Both send the provider the session's conversation so far: the gateway
 * its context, the proxy the history it keeps in memory (before, the proxy sent only the last
 * message, a smaller request than a chat has to make: part of the measured gap was that).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accepts, freePort } from '../test/helpers/net.ts';
import { openClient, startStack, throughput, type Client } from './agent.ts';
import { serveOverIpc, type ServerUsage } from './server-child.ts';
import { alternate, median, medianRatio, row, verdict } from './stats.ts';

const SERVER_FLAG = '--chat-bench-server';
const FAKE_PROVIDER = fileURLToPath(new URL('../test/helpers/fake-provider.ts', import.meta.url));
/** The gateway's server process is this file; the proxy's is chat-proxy.ts, which loads nothing of the project. */
const SERVER_ENTRY: Record<Kind, string> = { gateway: fileURLToPath(import.meta.url), proxy: fileURLToPath(new URL('./chat-proxy.ts', import.meta.url)) };
const PAIRS = 5;
const ROUND_MS = 1500;
const MEMORY_ROUNDS = 8;

type Kind = 'gateway' | 'proxy';

// ------------------------------------------------------------------------------------------
// Orchestration (this process)

interface Server { kind: Kind; client: Client; ask<T>(op: string): Promise<T>; stop(): Promise<void> }

async function startServer(kind: Kind, baseURL: string, entry = SERVER_ENTRY[kind]): Promise<Server> {
  const child: ChildProcess = fork(entry, [SERVER_FLAG, kind, baseURL], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>() => new Promise<T>((resolve) => child.once('message', (message) => resolve(message as T)));
  // A server that dies before it is ready (a wrong MOLTBOT_BENCH_AGAINST checkout) fails the bench instead of hanging it.
  const exited = new Promise<{ url?: string; error?: string }>((resolve) => child.once('exit', (code) => resolve({ error: `${entry} exited with ${code} before it was ready` })));
  const ready = await Promise.race([next<{ url?: string; error?: string }>(), exited]);
  if (ready.url === undefined) throw new Error(`chat bench ${kind} server failed: ${ready.error}`);
  const client = await openClient(ready.url);
  return {
    kind,
    client,
    ask: <T>(op: string) => {
      const answer = next<T>();
      child.send({ op });
      return answer;
    },
    stop: async () => {
      client.ws.terminate();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ op: 'stop' });
      await exited;
    },
  };
}

async function startProvider(): Promise<{ baseURL: string; stop(): void }> {
  const port = await freePort();
  const child = fork(FAKE_PROVIDER, ['--port', String(port)], { stdio: 'ignore' });
  const began = Date.now();
  while (!(await accepts(port))) {
    if (Date.now() - began > 10_000) throw new Error('the fake provider did not listen');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { baseURL: `http://127.0.0.1:${port}/v1`, stop: () => child.kill() };
}

/** Turns/s and server CPU ms per turn over one round. */
async function round(server: Server, sessions: number, tag: string): Promise<{ perSecond: number; cpuMs: number }> {
  const before = await server.ask<ServerUsage>('usage');
  const load = await throughput(server.client, sessions, ROUND_MS, tag);
  const after = await server.ask<ServerUsage>('usage');
  return { perSecond: load.runs / load.seconds, cpuMs: (after.cpuUs - before.cpuUs) / 1000 / load.runs };
}

/** Memory of a fresh server: settled RSS after 1,000 serial turns, then peak RSS per load round and the growth across rounds. */
async function memory(kind: Kind, baseURL: string): Promise<{ after1000: number; peak: number; growth: number; heapGrowth: number }> {
  const server = await startServer(kind, baseURL);
  try {
    for (let n = 0; n < 1000; n++) await server.client.chat(`agent:main:bench:dm:mem-serial-${Math.floor(n / 10)}`, 'hello');
    const after1000 = (await server.ask<{ rss: number }>('settled')).rss;
    await server.ask<ServerUsage>('usage');
    const peaks: number[] = [];
    const settled: { rss: number; heapUsed: number }[] = [];
    for (let r = 0; r < MEMORY_ROUNDS; r++) {
      await Promise.all(Array.from({ length: 50 }, async (_, s) => {
        for (let n = 0; n < 20; n++) await server.client.chat(`agent:main:bench:dm:mem${r}-${s}-${Math.floor(n / 10)}`, 'load');
      }));
      peaks.push((await server.ask<ServerUsage>('usage')).peakRss);
      if (r === 0 || r === MEMORY_ROUNDS - 1) settled.push(await server.ask<{ rss: number; heapUsed: number }>('settled'));
    }
    return { after1000, peak: Math.max(...peaks), growth: settled[1]!.rss - settled[0]!.rss, heapGrowth: settled[1]!.heapUsed - settled[0]!.heapUsed };
  } finally {
    await server.stop();
  }
}

/** This checkout's gateway against another checkout's, alternating rounds (turns/s and CPU per turn, medians of per-pair ratios). */
async function beforeAfter(baseURL: string, against: string): Promise<string[]> {
  const ours = await startServer('gateway', baseURL);
  const theirs = await startServer('gateway', baseURL, join(against, 'bench', 'chat-turns.ts'));
  try {
    for (const server of [ours, theirs]) await throughput(server.client, 4, 500, 'warm');
    const lines: string[] = [];
    for (const sessions of [1, 16]) {
      let seq = 0;
      const pairs = await alternate(PAIRS, () => round(ours, sessions, `a${sessions}-${seq++}`), () => round(theirs, sessions, `b${sessions}-${seq++}`));
      lines.push(row(`chat turns, ${sessions} session${sessions === 1 ? '' : 's'}: this checkout vs ${against}`,
        `${median(pairs.subject.map((p) => p.perSecond)).toFixed(0)} / ${median(pairs.baseline.map((p) => p.perSecond)).toFixed(0)} turns/s`,
        `${medianRatio(pairs.subject.map((p) => p.perSecond), pairs.baseline.map((p) => p.perSecond)).toFixed(2)}×; CPU/turn ${medianRatio(pairs.subject.map((p) => p.cpuMs), pairs.baseline.map((p) => p.cpuMs)).toFixed(2)}×`));
    }
    return lines;
  } finally {
    await ours.stop();
    await theirs.stop();
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export async function benchChatTurns(): Promise<string[]> {
  const lines = ['', `# chat turn vs a bare durable ws→fetch/SSE proxy (2 syncs to disk per turn both: the proxy write + fdatasync in series with the model call, the gateway O_DSYNC writes, the first overlapping the model call), fake provider in its own process; ${PAIRS} alternating pairs, medians of per-pair ratios`];
  const provider = await startProvider();
  try {
    const gateway = await startServer('gateway', provider.baseURL);
    const proxy = await startServer('proxy', provider.baseURL);
    try {
      for (const server of [gateway, proxy]) await throughput(server.client, 4, 500, 'warm');
      for (const sessions of [1, 16]) {
        let seq = 0;
        const pairs = await alternate(PAIRS, () => round(gateway, sessions, `g${sessions}-${seq++}`), () => round(proxy, sessions, `p${sessions}-${seq++}`));
        const rate = medianRatio(pairs.subject.map((g) => g.perSecond), pairs.baseline.map((p) => p.perSecond));
        const cpu = medianRatio(pairs.subject.map((g) => g.cpuMs), pairs.baseline.map((p) => p.cpuMs));
        lines.push(
          row(`chat turns, ${sessions} session${sessions === 1 ? '' : 's'}: bare durable proxy`, `${median(pairs.baseline.map((p) => p.perSecond)).toFixed(0)} turns/s`, `${median(pairs.baseline.map((p) => p.cpuMs)).toFixed(2)} ms server CPU/turn; baseline`),
          row(`chat turns, ${sessions} session${sessions === 1 ? '' : 's'}: gateway`, `${median(pairs.subject.map((p) => p.perSecond)).toFixed(0)} turns/s`,
            `${rate.toFixed(2)}× the proxy (goal ≥ 0.85×): ${verdict(rate >= 0.85)}; ${median(pairs.subject.map((p) => p.cpuMs)).toFixed(2)} ms CPU/turn = ${cpu.toFixed(2)}× (goal ≤ 1.3×): ${verdict(cpu <= 1.3)}`),
        );
      }
    } finally {
      await gateway.stop();
      await proxy.stop();
    }
    const against = process.env.MOLTBOT_BENCH_AGAINST;
    if (against !== undefined && against !== '') lines.push(...await beforeAfter(provider.baseURL, against));
    const bare = await memory('proxy', provider.baseURL);
    const ours = await memory('gateway', provider.baseURL);
    lines.push(
      row('RSS after 1,000 turns (settled): proxy / gateway', `${mb(bare.after1000)} / ${mb(ours.after1000)}`, `${(ours.after1000 / bare.after1000).toFixed(2)}× (goal ≤ 1.5×): ${verdict(ours.after1000 <= 1.5 * bare.after1000)}`),
      row(`peak RSS, ${MEMORY_ROUNDS} rounds of 50 sessions × 20 turns: proxy / gateway`, `${mb(bare.peak)} / ${mb(ours.peak)}`, `${(ours.peak / bare.peak).toFixed(2)}× (goal ≤ 1.5×): ${verdict(ours.peak <= 1.5 * bare.peak)}`),
      row('settled RSS growth, round 1 → 8: proxy / gateway', `${mb(bare.growth)} / ${mb(ours.growth)}`, `heap ${mb(bare.heapGrowth)} / ${mb(ours.heapGrowth)}; goal: no growth across rounds`),
    );
  } finally {
    provider.stop();
  }
  return lines;
}

if (process.argv.includes(SERVER_FLAG)) {
  const baseURL = process.argv[process.argv.indexOf(SERVER_FLAG) + 2] ?? '';
  serveOverIpc('chat-gateway', (dir) => startStack('fake/echo', { fake: { api: 'openai', baseURL } }, dir).then(({ kernel, url }) => ({ url, close: () => kernel.close() })));
}
