/** cluster-redis against the real Redis on 127.0.0.1:6379: ownership, shared pairing, channels on their owner only. */
import { randomBytes } from 'node:crypto';
import { cronServiceRef } from '../../../plugins/cron/index.ts';
import { backupServiceRef } from '../../../plugins/backup/index.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '@keyv/redis';
import { createTestKernel, type TestKernel } from '../../../app/testing.ts';
import type { OwnershipService } from '../../../sdk/cluster/index.ts';
import { channelsServiceRef, PairingError, pairingStoreRef } from '../../../sdk/channels/index.ts';
import { eventually as until } from '../../helpers/eventually.ts';
import { createFakeChannel, type FakeChannel } from '../../helpers/fake-channel.ts';
import type { PluginEntry } from '../../../core/resolve-plugin.ts';
import type { BackupService } from '../../../plugins/backup/service.ts';
import type { CronService } from '../../../plugins/cron/service.ts';

const REDIS = 'redis://127.0.0.1:6379';
const TTL = 600;
const prefixes: string[] = [];

function freshPrefix(): string {
  const prefix = `moltbot-test-${randomBytes(6).toString('hex')}`;
  prefixes.push(prefix);
  return prefix;
}

async function redis() {
  const client = createClient({ url: REDIS });
  await client.connect();
  return client;
}

afterEach(async () => {
  const client = await redis();
  for (const prefix of prefixes.splice(0)) {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 500 })) if (keys.length > 0) await client.del(keys);
  }
  await client.close();
});

function clusterKernel(keyPrefix: string, extra: PluginEntry[] = [], config: Record<string, unknown> = {}): Promise<TestKernel> {
  return createTestKernel({ config: { redis: { url: REDIS, keyPrefix }, plugins: [['cluster-redis', { leaseTtlMs: TTL }]], ...config }, plugins: extra });
}

function recorder() {
  const events: string[] = [];
  return { events, handlers: { onAcquire: async () => void events.push('acquire'), onLose: async () => void events.push('lose') } };
}

describe('cluster-redis ownership', () => {
  it('one owner at a time; a released resource passes to the other instance', async () => {
    const prefix = freshPrefix();
    const [a, b] = await Promise.all([clusterKernel(prefix), clusterKernel(prefix)]);
    const ra = recorder();
    const rb = recorder();
    const ownA = a.use('ownership') as OwnershipService;
    const ownB = b.use('ownership') as OwnershipService;
    const holdA = await ownA.hold('job', ra.handlers);
    const holdB = await ownB.hold('job', rb.handlers);
    expect(holdA.owned()).toBe(true);
    expect(holdB.owned()).toBe(false);
    expect(rb.events).toEqual([]);
    expect(await ownB.status()).toEqual([{ resource: 'job', owner: ownA.instance, expiresInMs: expect.any(Number) }]);
    await holdA.release();
    expect(ra.events).toEqual(['acquire', 'lose']);
    await until(() => holdB.owned(), 'B to take over');
    expect(rb.events).toEqual(['acquire']);
  });

  it('a dead owner (lease never renewed) is replaced once its lease expires', async () => {
    const prefix = freshPrefix();
    // The kernel first: its start time (slow on a loaded machine) must not eat the dead lease's ttl.
    const kernel = await clusterKernel(prefix);
    const client = await redis();
    await client.set(`${prefix}:owner:job`, 'dead-instance', { expiration: { type: 'PX', value: TTL } });
    await client.close();
    const own = kernel.use('ownership') as OwnershipService;
    const r = recorder();
    const hold = await own.hold('job', r.handlers);
    expect(hold.owned()).toBe(false);
    expect((await own.status())[0]).toMatchObject({ resource: 'job', owner: 'dead-instance' });
    await until(() => hold.owned(), 'takeover after the dead lease expired', TTL * 4);
    expect(r.events).toEqual(['acquire']);
    expect((await own.status())[0]).toMatchObject({ owner: own.instance });
  });

  it('an owner whose lease was taken calls onLose and stops counting as owner', async () => {
    const prefix = freshPrefix();
    const kernel = await clusterKernel(prefix);
    const own = kernel.use('ownership') as OwnershipService;
    const r = recorder();
    const hold = await own.hold('job', r.handlers);
    expect(hold.owned()).toBe(true);
    const client = await redis();
    await client.set(`${prefix}:owner:job`, 'usurper', { expiration: { type: 'PX', value: 60_000 } });
    await client.close();
    await until(() => r.events.includes('lose'), 'onLose');
    expect(hold.owned()).toBe(false);
    expect(r.events).toEqual(['acquire', 'lose']);
  });
});

describe('cluster-redis pairing store', () => {
  it('a code requested on A is listed and approved on B; A honours it; one code approves once', async () => {
    const prefix = freshPrefix();
    const [a, b] = await Promise.all([clusterKernel(prefix), clusterKernel(prefix)]);
    const storeA = a.use(pairingStoreRef);
    const storeB = b.use(pairingStoreRef);
    const created = await storeA.request('tg', '42', 'Ada', 'chat-42');
    expect(created.status).toBe('created');
    expect((await storeA.request('tg', '42')).status).toBe('existing');
    await storeB.load('tg');
    const listed = storeB.list('tg');
    expect(listed.map((r) => [r.sender, r.senderName])).toEqual([['42', 'Ada']]);
    const code = listed[0]!.code;
    const results = await Promise.allSettled([storeB.approve('tg', code.toLowerCase()), storeA.approve('tg', code)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(PairingError);
    await storeA.load('tg');
    expect(storeA.approvedSenders('tg').map((s) => s.sender)).toEqual(['42']);
    expect(storeA.list('tg')).toEqual([]);
    expect(await storeB.revoke('tg', '42')).toBe(true);
    await storeA.load('tg');
    expect(storeA.approvedSenders('tg')).toEqual([]);
  });

  it('keeps at most 3 pending codes per channel (a 4th expires the oldest) and approvals made for later are handed out once', async () => {
    const prefix = freshPrefix();
    const kernel = await clusterKernel(prefix);
    const store = kernel.use(pairingStoreRef);
    for (const sender of ['1', '2', '3']) {
      expect((await store.request('irc', sender)).status).toBe('created');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(await store.request('irc', '4')).toMatchObject({ status: 'created', request: { sender: '4' }, evicted: { sender: '1' } });
    expect(store.list('irc').map((r) => r.sender).sort()).toEqual(['2', '3', '4']);
    const [first] = store.list('irc');
    await store.approve('irc', first!.code, { notifyLater: true });
    expect(await store.takeNotifications('irc')).toEqual([{ sender: first!.sender, chatId: first!.sender }]);
    expect(await store.takeNotifications('irc')).toEqual([]);
    await expect(store.reject('irc', 'NOPE2345')).rejects.toBeInstanceOf(PairingError);
  });
});

describe('channels in a cluster', () => {
  const channelsKernel = (prefix: string, channel: FakeChannel) =>
    clusterKernel(prefix, ['channels', channel.plugin], { channels: { fake: { dmPolicy: 'pairing' } } });

  it('only the owner runs the channel; a send on the other instance goes out through the owner; takeover on close', async () => {
    const prefix = freshPrefix();
    const fakeA = createFakeChannel();
    const fakeB = createFakeChannel();
    const a = await channelsKernel(prefix, fakeA);
    const b = await channelsKernel(prefix, fakeB);
    const channelsA = a.use(channelsServiceRef);
    const channelsB = b.use(channelsServiceRef);
    expect(channelsA.status()[0]!.state).toBe('connected');
    expect(channelsB.status()[0]!.state).toBe('stopped');
    expect(() => fakeB.host()).toThrow(/not started/);
    await channelsB.send('fake', { chatType: 'dm', chatId: 'u1' }, 'sent from B');
    expect((await fakeA.waitForSent(1)).map((s) => [s.target.chatId, s.text])).toEqual([['u1', 'sent from B']]);
    expect(fakeB.sendAttempts).toBe(0);
    // A pairing code asked through A (the owner), approved through B: A lets the sender in.
    const outcome = await fakeA.inject({ sender: 'u2', text: 'hi' });
    expect(outcome.status).toBe('pairing');
    await channelsB.pairing.approve('fake', (outcome as { code: string }).code);
    // The approval notice goes out through the owner too.
    expect((await fakeA.waitForSent(3)).map((s) => s.target.chatId)).toEqual(['u1', 'u2', 'u2']);
    expect((await fakeA.inject({ sender: 'u2', text: 'again' })).status).not.toBe('pairing');
    await a.close();
    await until(() => channelsB.status()[0]!.state === 'connected', 'B to take the channel over', TTL * 4);
    await channelsB.send('fake', { chatType: 'dm', chatId: 'u1' }, 'B owns it now');
    expect((await fakeB.waitForSent(1)).map((s) => s.text)).toEqual(['B owns it now']);
  });
});

describe('scheduled backups in a cluster', () => {
  it('only the owner of backup-schedule makes archives; after it closes the other one does', async () => {
    const prefix = freshPrefix();
    const start = () => clusterKernel(prefix, ['backup'], { backup: { schedule: '1s' } });
    const a = await start();
    const b = await start();
    const archives = async (kernel: TestKernel) => (await (kernel.use(backupServiceRef)).list()).length;
    await until(async () => (await archives(a)) >= 2, 'two scheduled backups on A');
    expect(await archives(b)).toBe(0);
    await a.close();
    await until(async () => (await archives(b)) >= 1, 'B to take the schedule over', 5000);
  });
});

describe('cron in a cluster', () => {
  it('the scheduler runs on the owner of cron only; a job change on another instance says where to go', async () => {
    const prefix = freshPrefix();
    const start = () => clusterKernel(prefix, ['cron'], { cron: { jobs: [{ id: 'hourly', every: '1h', message: 'tick' }] } });
    const a = await start();
    const b = await start();
    const cronA = a.use(cronServiceRef);
    const cronB = b.use(cronServiceRef);
    expect(cronA.list().map((job) => job.id)).toEqual(['hourly']);
    expect(cronB.list()).toEqual([]);
    await expect(cronB.add({ id: 'extra', every: '2h', message: 'x' })).rejects.toThrow(/does not run the cron scheduler/);
    await cronA.add({ id: 'extra', every: '2h', message: 'x' });
    // The state is in Redis: B, taking over, has the runtime job A added.
    await a.close();
    await until(() => cronB.list().length === 2, 'B to run the scheduler', TTL * 4);
    expect(cronB.list().map((job) => job.id).sort()).toEqual(['extra', 'hourly']);
  });
});
