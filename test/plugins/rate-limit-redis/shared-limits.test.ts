/** Two gateways sharing limits through the real Redis on 127.0.0.1:6379. */
import { describe, expect, it } from 'vitest';
import { redisPrefix } from '../../helpers/redis.ts';
import { openClient, PASSWORD, startGateway, type TestClient } from '../gateway/helpers.ts';


function gateway(keyPrefix: string, limiter: Record<string, unknown> = {}, rateLimiting: Record<string, unknown> = {}) {
  return startGateway({
    only: [['rate-limit-redis', { auth: { maxAttempts: 4 }, ...limiter }], 'auth-password', 'auth-token', ['gateway', { trustedProxies: ['127.0.0.1'] }]],
    gateway: { rateLimiting: { enabled: true, requestsPerMinute: 60, burstSize: 5, ...rateLimiting } },
    config: { redis: { keyPrefix } },
  });
}

async function attempt(url: string, password: string, from: string): Promise<{ client: TestClient; answer: Awaited<ReturnType<TestClient['connect']>> }> {
  const client = openClient(url, { headers: { 'X-Forwarded-For': from } });
  return { client, answer: await client.connect({ password }) };
}

describe('rate-limit-redis', () => {
  it('failed-auth lockout counts across instances: 2 failures on A + 2 on B lock the address on both', async () => {
    const prefix = redisPrefix();
    const [a, b] = await Promise.all([gateway(prefix), gateway(prefix)]);
    for (const url of [a.url, b.url, a.url, b.url]) expect((await attempt(url, 'wrong-password', '203.0.113.9')).answer.error?.code).toBe('UNAUTHORIZED');
    // The 4th failure (on B) locked the address: the right secret is refused on both instances.
    for (const url of [a.url, b.url]) {
      const locked = (await attempt(url, PASSWORD, '203.0.113.9')).answer;
      expect(locked.error?.code).toBe('AUTH_RATE_LIMITED');
      expect(locked.error?.retryAfterMs).toBeGreaterThan(290_000);
    }
    expect((await attempt(a.url, PASSWORD, '203.0.113.10')).answer.ok).toBe(true);
  });

  it('IN-19 #4: the remote password-check budget is one for the cluster: 3 checks on A + 3 on B spend it on both', async () => {
    const prefix = redisPrefix();
    const [a, b] = await Promise.all([gateway(prefix, { auth: { maxAttempts: 4, remoteChecksPerMinute: 6 } }), gateway(prefix, { auth: { maxAttempts: 4, remoteChecksPerMinute: 6 } })]);
    for (let i = 0; i < 6; i++) expect((await attempt(i % 2 === 0 ? a.url : b.url, 'wrong-password', `203.0.113.${100 + i}`)).answer.error!.code).toBe('UNAUTHORIZED');
    // Spent for the cluster (each instance alone would still have 3): a new source gets its one
    // over-budget check, then is refused unchecked.
    expect((await attempt(a.url, 'wrong-password', '203.0.113.200')).answer.error!.code).toBe('UNAUTHORIZED');
    expect((await attempt(a.url, PASSWORD, '203.0.113.200')).answer.error).toMatchObject({ code: 'AUTH_RATE_LIMITED', details: { limit: 'remote-budget' } });
  });

  it('IN-19 #4 follow-up: a source that logged in on A is known on B (Redis): B does not hold it to the spent budget', async () => {
    const prefix = redisPrefix();
    const [a, b] = await Promise.all([gateway(prefix, { auth: { maxAttempts: 4, remoteChecksPerMinute: 2 } }), gateway(prefix, { auth: { maxAttempts: 4, remoteChecksPerMinute: 2 } })]);
    expect((await attempt(a.url, PASSWORD, '198.51.100.5')).answer.ok).toBe(true);
    for (let i = 0; i < 2; i++) expect((await attempt(b.url, 'wrong-password', `203.0.113.${150 + i}`)).answer.error!.code).toBe('UNAUTHORIZED');
    // An unknown source on B: one check, then refused. The known one: as many as it needs.
    expect((await attempt(b.url, 'wrong-password', '203.0.113.160')).answer.error!.code).toBe('UNAUTHORIZED');
    expect((await attempt(b.url, PASSWORD, '203.0.113.160')).answer.error!.code).toBe('AUTH_RATE_LIMITED');
    // (A typo first: an unknown source would have used its one over-budget check on it.)
    expect((await attempt(b.url, 'wrong-password', '198.51.100.5')).answer.error!.code).toBe('UNAUTHORIZED');
    expect((await attempt(b.url, PASSWORD, '198.51.100.5')).answer.ok).toBe(true);
  });

  it('one credential has one request budget across instances; connection buckets stay per instance', async () => {
    const prefix = redisPrefix();
    const [a, b] = await Promise.all([gateway(prefix, {}, { burstSize: 5, requestsPerMinute: 6 }), gateway(prefix, {}, { burstSize: 5, requestsPerMinute: 6 })]);
    const [ca, cb] = [(await attempt(a.url, PASSWORD, '198.51.100.1')).client, (await attempt(b.url, PASSWORD, '198.51.100.2')).client];
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await (i % 2 === 0 ? ca : cb).request('ping'));
    // 5 tokens shared by both connections (each alone would have had 5 of its own).
    expect(answers.map((answer) => answer.error?.code ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'RATE_LIMITED']);
    expect(answers[5]!.error?.details).toEqual({ limit: 'credential' });
  });

  it('Redis unreachable: the gateway starts and each instance still locks out on its own', async () => {
    const prefix = redisPrefix();
    const down = await gateway(prefix, { url: 'redis://:canary-rl-secret@127.0.0.1:1', connectTimeoutMs: 200, opTimeoutMs: 100 });
    for (let i = 0; i < 4; i++) expect((await attempt(down.url, 'wrong-password', '192.0.2.1')).answer.error?.code).toBe('UNAUTHORIZED');
    expect((await attempt(down.url, PASSWORD, '192.0.2.1')).answer.error?.code).toBe('AUTH_RATE_LIMITED');
    expect(JSON.stringify(down.kernel.logs)).not.toContain('canary-rl-secret');
    expect(down.kernel.logs.some((line) => String(line.msg).includes('this instance counts alone'))).toBe(true);
  });
});
