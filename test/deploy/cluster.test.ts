/**
 * Run-once-across-the-cluster with real processes: `moltbot gateway` instances on their own
 * loopback ports and state dirs, one config with cluster-redis, the real Redis on
 * 127.0.0.1:6379, the fake Telegram Bot API and the fake model provider.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '@keyv/redis';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.ts';
import { eventually } from '../helpers/eventually.ts';
import { startFakeTelegram, type FakeTelegram } from '../helpers/fake-telegram.ts';
import { startGatewayProcess, writeConfig, type GatewayProcess } from '../helpers/gateway-process.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { connectClient, type TestClient } from '../plugins/gateway/helpers.ts';

const REDIS = 'redis://127.0.0.1:6379';
const PASSWORD = 'cluster-test-password-0123';
const LEASE_TTL_MS = 1500;

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

async function cluster(names: string[], config: (keyPrefix: string) => object) {
  const keyPrefix = `moltbot-test-${randomBytes(6).toString('hex')}`;
  cleanups.push(async () => {
    const client = createClient({ url: REDIS });
    await client.connect();
    for await (const keys of client.scanIterator({ MATCH: `${keyPrefix}:*`, COUNT: 500 })) if (keys.length > 0) await client.del(keys);
    await client.close();
  });
  const { dir } = useTempDir('moltbot-cluster-');
  writeConfig(dir, config(keyPrefix));
  const gateways: GatewayProcess[] = [];
  cleanups.push(() => Promise.all(gateways.map((g) => g.stop('SIGKILL'))));
  // One at a time: the first one up owns what it holds, which keeps the test readable.
  for (const name of names) gateways.push(await startGatewayProcess(dir, name));
  const clients = await Promise.all(gateways.map((g) => connectClient(g.url, { password: PASSWORD })));
  return { keyPrefix, gateways, clients };
}

const baseConfig = (fake: FakeProvider, keyPrefix: string) => ({
  agent: { model: 'fake/m' },
  providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-key' } },
  gateway: { auth: { mode: 'password', password: PASSWORD } },
  redis: { url: REDIS, keyPrefix },
  plugins: [['session-store-redis', { leaseTtlMs: 1000 }], 'events-redis', ['cluster-redis', { leaseTtlMs: LEASE_TTL_MS }]],
});

async function telegramState(client: TestClient): Promise<string> {
  const response = await client.request('channels.status', {});
  return response.payload.channels.find((c: { id: string }) => c.id === 'telegram').state;
}

describe('cluster: channel ownership, shared pairing, cron once', { timeout: 90_000 }, () => {
  it('one instance polls the bot; approval on another counts; SIGKILL of the owner hands the bot over and the chat goes on', async () => {
    const fake = await startFakeProvider();
    cleanups.push(() => fake.close());
    const tg: FakeTelegram = await startFakeTelegram();
    cleanups.push(() => tg.close());
    const { gateways, clients } = await cluster(['a', 'b', 'c'], (keyPrefix) => ({
      ...baseConfig(fake, keyPrefix),
      channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, pollTimeoutSeconds: 1, reconnectBaseMs: 20, reconnectMaxMs: 200, dmPolicy: 'pairing' } },
    }));
    const [a, b, c] = gateways;
    const [clientA, clientB, clientC] = clients;
    await eventually(async () => (await telegramState(clientA!)) === 'connected', 'A to poll the bot', 10_000);
    expect([await telegramState(clientB!), await telegramState(clientC!)]).toEqual(['stopped', 'stopped']);
    const status = await clientC!.request('cluster.status', {});
    expect(status.payload.resources).toContainEqual(expect.objectContaining({ resource: 'channel:telegram', owner: expect.stringContaining(`:${a!.child.pid}:`) }));
    // Several polls later: a second poller would have made the fake answer 409 (conflict).
    await tg.waitForCalls('getUpdates', 3);
    expect(tg.calls.filter((call) => call.status === 409)).toEqual([]);

    // A stranger asks; the code is approved through B (not the owner); the notice goes out through A.
    await tg.message({ id: 77, first_name: 'Ada' }, 'hello bot');
    await tg.waitForSent(1);
    const pending = await clientB!.request('pairing.list', { channel: 'telegram' });
    expect(pending.payload.requests).toHaveLength(1);
    const approved = await clientB!.request('pairing.approve', { channel: 'telegram', code: pending.payload.requests[0].code });
    expect(approved.payload).toEqual({ sender: '77' });
    await tg.waitForSent(2);
    fake.script({ text: 'first answer' });
    await tg.message({ id: 77, first_name: 'Ada' }, 'what is up?');
    expect((await tg.waitForSent(3))[2]!.text).toBe('first answer');

    await a!.stop('SIGKILL');
    const survivor = await eventually(async () => {
      for (const [i, client] of [clientB!, clientC!].entries()) if ((await telegramState(client)) === 'connected') return i;
      return undefined;
    }, 'B or C to take the bot over', LEASE_TTL_MS * 3 + 5000);
    const other = survivor === 0 ? clientC! : clientB!;
    expect(await telegramState(other)).toBe('stopped');
    fake.script({ text: 'after the takeover' });
    await tg.message({ id: 77, first_name: 'Ada' }, 'still there?');
    const sent = await tg.waitForSent(4, 15_000);
    expect(sent[3]!.text).toBe('after the takeover');
    // The conversation continued: the new owner's run saw the earlier turns (shared session).
    const last = fake.requests.at(-1)!.body as { messages: { content: unknown }[] };
    expect(JSON.stringify(last.messages)).toContain('first answer');
    void c;
  });

  it('a cron job fires once per slot with two instances running', async () => {
    const fake = await startFakeProvider();
    cleanups.push(() => fake.close());
    const { keyPrefix, clients, gateways } = await cluster(['a', 'b'], (prefix) => ({
      ...baseConfig(fake, prefix),
      cron: { jobs: [{ id: 'tick', cron: '* * * * * *', message: 'cluster-cron-tick' }] },
    }));
    const runs = () => fake.requests.filter((r) => JSON.stringify(r.body).includes('cluster-cron-tick')).length;
    await eventually(() => runs() >= 3, 'three cron runs', 15_000);
    const client = createClient({ url: REDIS });
    await client.connect();
    cleanups.push(() => client.close());
    // The shared state counts every run the cluster made; the provider saw exactly that many.
    const readState = async () => JSON.parse((await client.get(`${keyPrefix}:cron:state`))!) as { state: Record<string, { runCount: number; lastStatus?: string }> };
    await eventually(async () => (await readState()).state['tick']!.lastStatus !== 'running', 'a finished run', 10_000);
    const before = runs();
    const state = await readState();
    expect(state.state['tick']!.runCount).toBeGreaterThanOrEqual(3);
    expect(before - state.state['tick']!.runCount).toBeLessThanOrEqual(1);
    expect(before).toBeGreaterThanOrEqual(state.state['tick']!.runCount);
    const status = await clients[1]!.request('cluster.status', {});
    const owners = status.payload.resources.filter((r: { resource: string }) => r.resource === 'cron');
    expect(owners).toHaveLength(1);
    // SIGKILL the scheduler's owner: the other instance continues from the claimed slots.
    const owner = gateways.find((g) => owners[0].owner.includes(`:${g.child.pid}:`))!;
    const survivor = gateways.find((g) => g !== owner)!;
    await owner.stop('SIGKILL');
    const killedAt = (await readState()).state['tick']!.runCount;
    await eventually(async () => (await readState()).state['tick']!.runCount >= killedAt + 3, 'runs on the survivor', LEASE_TTL_MS * 3 + 10_000);
    const reader = await connectClient(survivor.url, { password: PASSWORD });
    const after = await reader.request('cluster.status', {});
    expect(after.payload.resources).toContainEqual(expect.objectContaining({ resource: 'cron', owner: expect.stringContaining(`:${survivor.child.pid}:`) }));
    await eventually(async () => (await readState()).state['tick']!.lastStatus !== 'running', 'a finished run', 10_000);
    const final = (await readState()).state['tick']!.runCount;
    // Every model call is a counted run, plus at most one per instance cut short (the killed one's and one in flight).
    expect(runs() - final).toBeGreaterThanOrEqual(0);
    expect(runs() - final).toBeLessThanOrEqual(2);
  });
});
