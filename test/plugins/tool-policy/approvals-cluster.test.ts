/**
 * Issue 25: approvals across a cluster. Two kernels share real Redis (events-redis, a unique
 * prefix): a call waiting on A is listed on B and answered there; A — the owner instance,
 * running the call — decides and audits it. A wrong answer on B gets A's refusal back; an
 * `always` answered on B is stored by both.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RpcContext } from '../../../core/hook-types.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { decideToolCall } from '../../../sdk/agent/decide-tool-call.ts';
import toolPolicy from '../../../plugins/tool-policy/index.ts';
import type { PendingApproval } from '../../../plugins/tool-policy/approvals.ts';
import { createClient } from '@keyv/redis';
import { REDIS_URL, redisPrefix } from '../../helpers/redis.ts';
import { APPROVALS_TOPIC } from '../../../plugins/tool-policy/approvals-cluster.ts';
import { fakeAgent } from './fake-agent.ts';

const agent = fakeAgent('exec');
const owner: RpcContext = { connection: { id: 'c-owner', remoteAddress: '10.0.0.9', scopes: ['admin'], subject: 'owner-on-b' }, signal: new AbortController().signal };

async function instance(keyPrefix: string, env: Record<string, string> = {}) {
  const kernel = await createTestKernel({
    env,
    config: { redis: { url: REDIS_URL, keyPrefix }, agents: { defaults: { sandbox: { mode: 'off', approvals: { exec: { ask: 'on-miss' } } } } } },
    plugins: [agent, 'events-redis', toolPolicy],
  });
  const call = (method: string, params: unknown) => kernel.hooks.rpc.for(method).promise(params, owner).catch((error: { cause?: unknown }) => {
    throw error.cause ?? error;
  });
  const list = async () => ((await call('approvals.list', {})) as { approvals: PendingApproval[] }).approvals;
  return { kernel, call, list };
}

async function subscribed(keyPrefix: string, count: number): Promise<void> {
  // Pub/sub keeps nothing: go on once every instance's subscription is live.
  const redis = createClient({ url: REDIS_URL });
  await redis.connect();
  await eventually(async () => (await redis.sendCommand(['PUBSUB', 'NUMSUB', `${keyPrefix}:events:${APPROVALS_TOPIC}`])) as [string, number], (reply) => Number(reply[1]) === count);
  await redis.close();
}

async function eventually<T>(read: () => Promise<T>, ready: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const value = await read();
    if (ready(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not reached');
}

describe('approvals across instances (events-redis on real Redis)', () => {
  it('a call waiting on A is answered on B; A decides, runs it and audits who answered where', async () => {
    const keyPrefix = redisPrefix();
    const [a, b] = await Promise.all([instance(keyPrefix), instance(keyPrefix)]);
    await subscribed(keyPrefix, 2);
    const first = decideToolCall(a.kernel.hooks, { callId: 'c1', name: 'exec', args: { command: 'make', args: ['deploy'] }, sessionKey: 'agent:main:main' });
    const [seen] = await eventually(b.list, (list) => list.length === 1);
    expect(seen).toMatchObject({ tool: 'exec', agent: 'main', sessionKey: 'agent:main:main', args: { command: 'make', args: ['deploy'] } });
    expect(await a.list()).toEqual([seen]);

    // A wrong answer on B comes back with the owner's refusal; nothing is decided.
    await expect(b.call('approvals.answer', { id: seen!.id, answer: 'once', pattern: 'make **' })).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('only an always / never answer') });
    expect(await b.call('approvals.answer', { id: seen!.id, answer: 'once' })).toEqual({ id: seen!.id, tool: 'exec', answer: 'once' });
    expect(await first).toEqual({ args: { command: 'make', args: ['deploy'] } });
    await eventually(b.list, (list) => list.length === 0);

    const audit = readFileSync(join(a.kernel.tempDir, 'state', 'plugins', 'tool-policy', 'audit.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(audit.find((entry) => entry.event === 'resolved')).toMatchObject({ id: seen!.id, answer: 'once', by: { subject: 'owner-on-b', remoteAddress: '10.0.0.9', via: expect.stringMatching(/^rpc@[0-9a-f-]{36}$/) } });

    // A deny on B is a tool error on A.
    const second = decideToolCall(a.kernel.hooks, { callId: 'c2', name: 'exec', args: { command: 'rm', args: ['-rf', 'x'] }, sessionKey: 'agent:main:main' });
    const [next] = await eventually(b.list, (list) => list.length === 1);
    await b.call('approvals.answer', { id: next!.id, answer: 'deny' });
    expect(await second).toEqual({ deny: `the owner denied "exec" (approval ${next!.id})` });
    // always on B: A stores the rule and publishes it; B stores it too, so neither asks again.
    const third = decideToolCall(a.kernel.hooks, { callId: 'c3', name: 'exec', args: { command: 'make', args: ['test'] }, sessionKey: 'agent:main:main' });
    const [asked] = await eventually(b.list, (list) => list.length === 1);
    await b.call('approvals.answer', { id: asked!.id, answer: 'always' });
    expect(await third).toEqual({ args: { command: 'make', args: ['test'] } });
    // B writes the rule when the event reaches it: until then the file may not exist.
    const rulesOf = (kernel: typeof a.kernel) => () => readFile(join(kernel.tempDir, 'state', 'plugins', 'tool-policy', 'rules.json'), 'utf8').catch(() => '');
    await eventually(rulesOf(b.kernel), (text) => text.includes('"test"'));
    expect(JSON.parse(await rulesOf(b.kernel)())).toEqual(JSON.parse(await rulesOf(a.kernel)()));
    expect(await decideToolCall(b.kernel.hooks, { callId: 'c4', name: 'exec', args: { command: 'make', args: ['test'] }, sessionKey: 'agent:main:main' })).toEqual({ args: { command: 'make', args: ['test'] } });

    // An id nobody holds is refused on B at once.
    await expect(b.call('approvals.answer', { id: 'no-such-id', answer: 'once' })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('an owner instance restarted after a crash denies what it left pending, and the others stop listing it', async () => {
    const keyPrefix = redisPrefix();
    const env = { MOLTBOT_STATE_DIR: mkdtempSync(join(tmpdir(), 'moltbot-approvals-cluster-')) };
    const [a, b] = await Promise.all([instance(keyPrefix, env), instance(keyPrefix)]);
    await subscribed(keyPrefix, 2);
    void decideToolCall(a.kernel.hooks, { callId: 'c1', name: 'exec', args: { command: 'make', args: ['deploy'] }, sessionKey: 'agent:main:main' });
    const [left] = await eventually(b.list, (list) => list.length === 1);
    // A "dies" (nothing closes it) and starts again on the same state dir.
    const restarted = await instance(keyPrefix, env);
    expect(restarted.kernel.logs.find((line) => line.msg?.startsWith('approval pending at restart'))).toMatchObject({ approvalId: left!.id });
    await eventually(b.list, (list) => list.length === 0);
  });
});
