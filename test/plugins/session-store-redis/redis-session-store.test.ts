/** session-store-redis against the real Redis on 127.0.0.1:6379, one key prefix per test. */
import { describe, expect, it } from 'vitest';
import { REDIS_URL, redisPrefix } from '../../helpers/redis.ts';
import { createClient } from '@keyv/redis';
import { createTestKernel } from '../../../app/testing.ts';
import type { Check } from '../../../core/hook-types.ts';
import type { TranscriptEntry } from '../../../sdk/agent/index.ts';
import { startFakeProvider } from '../../helpers/fake-provider.ts';
import { agentServiceRef, sessionStoreRef } from '../../../sdk/agent/index.ts';


const message = (id: string, role: 'user' | 'assistant', content: string, extra: object = {}): TranscriptEntry =>
  ({ kind: 'message', id, at: Date.now(), role, content, ...extra }) as TranscriptEntry;

async function storeKernel(keyPrefix: string) {
  const kernel = await createTestKernel({ config: { redis: { keyPrefix }, plugins: ['session-store-redis'] } });
  return { kernel, store: kernel.use(sessionStoreRef) };
}

/** A kernel with the agent on the Redis store (and, as `preset`, what the CLI would load first). */
function agentKernel(baseURL: string, keyPrefix: string, preset?: string[]) {
  return createTestKernel({
    ...(preset ? { preset } : {}),
    config: {
      agent: { model: 'local/m' },
      providers: { local: { api: 'openai', baseURL } },
      redis: { keyPrefix },
      plugins: ['session-store-redis', 'provider-openai', 'agent'],
    },
  });
}

describe('session-store-redis', () => {
  it('appends, loads, lists, inspects and finds traces; another instance sees the same', async () => {
    const prefix = redisPrefix();
    const { store } = await storeKernel(prefix);
    await store.append('main', 'agent:main:main', [message('1', 'user', 'hi', { runId: 'r1' })]);
    await store.append('main', 'agent:main:main', [
      message('2', 'assistant', 'hello', { runId: 'r1', model: 'fake/m', usage: { input: 3, output: 5 } }),
      { kind: 'trace', id: '3', at: Date.now(), runId: 'r1', trace: { runId: 'r1', sessionKey: 'agent:main:main', startedAt: 1, status: 'ok', totalDuration: 2, modelCallTime: 1, toolExecutionTime: 0, tokenUsage: { input: 3, output: 5 }, events: [] } },
    ]);
    const { store: other } = await storeKernel(prefix);
    const loaded = await other.load('main', 'agent:main:main');
    expect(loaded.entries.map((e) => e.id)).toEqual(['1', '2', '3']);
    expect(loaded.repaired).toEqual([]);
    const [row] = await other.list('main');
    expect(row).toMatchObject({ key: 'agent:main:main', agentId: 'main', messageCount: 2, tokenCount: { input: 3, output: 5 }, metadata: { lastModel: 'fake/m', lastRunId: 'r1' } });
    expect(row!.size).toBeGreaterThan(0);
    expect(await other.inspect('main', 'agent:main:main')).toMatchObject({ messageCount: 2, file: expect.stringContaining(`${prefix}:sessions:main:log:agent:main:main`) });
    expect((await other.findTrace('main', 'r1'))?.status).toBe('ok');
    expect(await other.entryCount!('main', 'agent:main:main')).toBe(3);
    expect(await other.inspect('main', 'agent:main:absent')).toBeUndefined();
  });

  it('concurrent appends from two instances keep every entry and every count', async () => {
    const prefix = redisPrefix();
    const [{ store: a }, { store: b }] = await Promise.all([storeKernel(prefix), storeKernel(prefix)]);
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).append('main', 'agent:main:main', [message(`m${i}`, 'user', `n${i}`)])));
    const [row] = await a.list('main');
    expect(row!.messageCount).toBe(50);
    expect((await b.load('main', 'agent:main:main')).entries).toHaveLength(50);
  });

  it('skips an unreadable entry and closes a tool call a crash left open, in Redis', async () => {
    const prefix = redisPrefix();
    const { store } = await storeKernel(prefix);
    await store.append('main', 'agent:main:main', [message('1', 'assistant', '', { runId: 'r', toolCalls: [{ id: 'call-1', name: 'read', args: {} }] })]);
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    await client.rPush(`${prefix}:sessions:main:log:agent:main:main`, '{"torn":');
    await client.close();
    const first = await store.load('main', 'agent:main:main');
    expect(first.repaired).toEqual(['skipped 1 unreadable entry', 'closed 1 interrupted tool call(s)']);
    expect(first.entries.at(-1)).toMatchObject({ role: 'tool', toolCallId: 'call-1', isError: true });
    const second = await store.load('main', 'agent:main:main');
    expect(second.repaired).toEqual(['skipped 1 unreadable entry']);
  });

  it('replaces the preset file store; two gateways share a conversation both ways', async () => {
    const prefix = redisPrefix();
    const fake = await startFakeProvider();
    try {
      const boot = () => agentKernel(fake.openaiBaseURL, prefix, ['session-store-file', 'cache', 'cache-memory']);
      const [a, b] = [await boot(), await boot()];
      expect(a.plugins().map((p) => p.name)).not.toContain('session-store-file');
      fake.script({ text: 'from A' });
      await a.use(agentServiceRef).run({ sessionKey: 'agent:main:main', message: 'question to A' });
      expect((await b.use(agentServiceRef).history('agent:main:main')).map((m) => m.content)).toEqual(['question to A', 'from A']);
      fake.script({ text: 'from B' });
      await b.use(agentServiceRef).run({ sessionKey: 'agent:main:main', message: 'question to B' });
      // A cached the session before B wrote to it: it notices and reloads.
      fake.script({ text: 'from A again' });
      await a.use(agentServiceRef).run({ sessionKey: 'agent:main:main', message: 'third' });
      expect(JSON.stringify(fake.requests.at(-1)!.body)).toContain('from B');
      expect((await b.use(agentServiceRef).history('agent:main:main')).map((m) => m.content)).toEqual(['question to A', 'from A', 'question to B', 'from B', 'third', 'from A again']);
    } finally {
      await fake.close();
    }
  });

  it('runs of one session are serialized across instances: the second sees the first reply', async () => {
    const prefix = redisPrefix();
    const fake = await startFakeProvider();
    try {
      const boot = () => agentKernel(fake.openaiBaseURL, prefix);
      const [a, b] = [await boot(), await boot()];
      // No echo fallback: each run answers with a scripted text; the first is slow.
      fake.script({ text: 'slow answer from the first run', chunks: 4, delayMs: 150 }, { text: 'second' });
      const first = a.use(agentServiceRef).run({ sessionKey: 'agent:main:main', message: 'first' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = b.use(agentServiceRef).run({ sessionKey: 'agent:main:main', message: 'second' });
      await Promise.all([first, second]);
      // Without the lease both model calls would have started before either reply existed.
      expect(JSON.stringify(fake.requests[1]!.body)).toContain('slow answer from the first run');
      expect((await a.use(agentServiceRef).history('agent:main:main')).map((m) => m.content)).toEqual(['first', 'slow answer from the first run', 'second', 'second']);
    } finally {
      await fake.close();
    }
  });

  it('a lease held by an instance that went away frees itself after its ttl', async () => {
    const prefix = redisPrefix();
    const boot = () => createTestKernel({ config: { redis: { keyPrefix: prefix }, plugins: [['session-store-redis', { leaseTtlMs: 300 }]] } });
    const [a, b] = [await boot(), await boot()];
    type Lease = { acquire(key: string, signal: AbortSignal): Promise<() => Promise<void>> };
    const releaseA = await (a.use('session-lease') as Lease).acquire('agent:main:main', new AbortController().signal);
    // While A holds it (and renews it), B waits.
    const waiting = (b.use('session-lease') as Lease).acquire('agent:main:main', AbortSignal.timeout(200));
    await expect(waiting).rejects.toThrow();
    await releaseA();
    await (b.use('session-lease') as Lease).acquire('agent:main:main', AbortSignal.timeout(2000));
    await a.close();
    // B goes away holding the lease (never released); A2 gets the session once the ttl ran out.
    await b.close();
    const a2 = await boot();
    const acquired = await (a2.use('session-lease') as Lease).acquire('agent:main:main', AbortSignal.timeout(3000));
    await acquired();
  });

  it('doctor: reports the persistence Redis really has, and an unreachable Redis as critical', async () => {
    const { kernel } = await storeKernel(redisPrefix());
    const checks: Check[] = [];
    await kernel.hooks.diagnose.promise({ add: (check) => checks.push(check) });
    const check = checks.find((c) => c.id === 'sessions.redis')!;
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    const config = await client.configGet(['appendonly', 'save']) as Record<string, string>;
    await client.close();
    if (config['appendonly'] === 'yes') expect(check.severity).not.toBe('critical');
    else if ((config['save'] ?? '').trim() === '') expect([check.severity, check.description]).toEqual(['critical', expect.stringContaining('persistence is off')]);
    else expect(check.severity).toBe('warning');

    const down = await createTestKernel({ config: { plugins: [['session-store-redis', { url: 'redis://:canary-pw-71@127.0.0.1:1', connectTimeoutMs: 200 }]] } });
    const downChecks: Check[] = [];
    await down.hooks.diagnose.promise({ add: (c) => downChecks.push(c) });
    expect(downChecks.find((c) => c.id === 'sessions.redis')).toMatchObject({ severity: 'critical', description: expect.stringContaining('unreachable') });
    expect(JSON.stringify([downChecks, down.logs])).not.toContain('canary-pw-71');
  });
});
