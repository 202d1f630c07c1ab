import { afterEach, describe, expect, it, vi } from 'vitest';
import { rateLimitServiceRef } from '../../../sdk/rate-limit/index.ts';
import { connectClient, openClient, PASSWORD, startGateway, type TestClient } from './helpers.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** One handshake from a simulated remote address (X-Forwarded-For through the trusted local proxy). */
async function attempt(url: string, password: string, from?: string, origin?: string): Promise<{ client: TestClient; answer: Awaited<ReturnType<TestClient['connect']>> }> {
  const headers: Record<string, string> = from === undefined ? {} : { 'X-Forwarded-For': from };
  const client = openClient(url, { headers, ...(origin !== undefined ? { origin } : {}) });
  const answer = await client.connect({ password });
  return { client, answer };
}

describe('failed-auth lockout', () => {
  it('AU-04: after 10 failures the 11th attempt is refused even with the right secret; allowed again after the lockout (fake clock)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { url } = await startGateway({ options: { trustedProxies: ['127.0.0.1'] } });
    for (let i = 0; i < 10; i++) expect((await attempt(url, 'wrong-password', '203.0.113.5')).answer.error?.code).toBe('UNAUTHORIZED');
    const locked = (await attempt(url, PASSWORD, '203.0.113.5')).answer;
    expect(locked.error).toMatchObject({ code: 'AUTH_RATE_LIMITED', message: 'too many failed authentication attempts; try again later' });
    expect(locked.error?.retryAfterMs).toBeGreaterThan(299_000);
    // AU-05: the IPv4-mapped spelling is the same client.
    expect((await attempt(url, PASSWORD, '::ffff:203.0.113.5')).answer.error?.code).toBe('AUTH_RATE_LIMITED');
    // Another address is unaffected.
    expect((await attempt(url, PASSWORD, '203.0.113.6')).answer.ok).toBe(true);
    vi.setSystemTime(Date.now() + 200_000);
    // Failures during the lockout do not extend it.
    expect((await attempt(url, 'wrong-password', '203.0.113.5')).answer.error?.code).toBe('AUTH_RATE_LIMITED');
    vi.setSystemTime(Date.now() + 100_001);
    expect((await attempt(url, PASSWORD, '203.0.113.5')).answer.ok).toBe(true);
  });

  it('AU-05: X-Forwarded-For from an untrusted peer is ignored: the bucket is the socket address', async () => {
    const { url } = await startGateway({ rateLimit: { auth: { maxAttempts: 3 } } });
    for (let i = 0; i < 3; i++) await attempt(url, 'wrong-password', `198.51.100.${i}`);
    expect((await attempt(url, PASSWORD, '198.51.100.200')).answer.error?.code).toBe('AUTH_RATE_LIMITED');
    expect((await attempt(url, PASSWORD, '2001:db8::1')).answer.error?.code).toBe('AUTH_RATE_LIMITED');
    // Forwarded through an untrusted local hop is some remote client behind a local proxy: its
    // lockout is not the local owner's (IN-19: a remote source cannot lock loopback out).
    expect((await attempt(url, PASSWORD)).answer.ok).toBe(true);
  });

  it('AU-06: a mixed handshake (bogus token + wrong password) counts as a failure', async () => {
    const { url } = await startGateway({ rateLimit: { auth: { maxAttempts: 2 } } });
    for (let i = 0; i < 2; i++) {
      const client = openClient(url);
      expect((await client.connect({ token: 'bogus-device-token', password: 'wrong-password' })).error?.code).toBe('UNAUTHORIZED');
    }
    expect((await attempt(url, PASSWORD)).answer.error?.code).toBe('AUTH_RATE_LIMITED');
  });

  it('AU-07: a browser origin is locked out on loopback too, without locking out the local CLI', async () => {
    const origin = 'http://evil.localhost:5173';
    const { url, kernel } = await startGateway({ gateway: { controlUi: { allowedOrigins: [origin] } } });
    const answers: string[] = [];
    for (let i = 0; i < 20; i++) answers.push((await attempt(url, `guess-${i}`, undefined, origin)).answer.error!.code);
    expect(answers.slice(0, 10)).toEqual(Array(10).fill('UNAUTHORIZED'));
    expect(answers.slice(10)).toEqual(Array(10).fill('AUTH_RATE_LIMITED'));
    expect((await attempt(url, PASSWORD, undefined, origin)).answer.error?.code).toBe('AUTH_RATE_LIMITED');
    expect((await connectClient(url)).ws.readyState).toBe(1);
    expect(kernel.use(rateLimitServiceRef).size().authKeys).toBe(1);
  });

  it('LD-02 (bounded): 25 simulated addresses × 11 failures are each locked; a legitimate client still connects', async () => {
    // The remote budget (IN-19) would stop this flood long before; here the per-source keys are under test.
    const { url, kernel } = await startGateway({ options: { trustedProxies: ['127.0.0.1'] }, rateLimit: { maxKeys: 100, auth: { remoteChecksPerMinute: 1_000 } } });
    const codes = new Map<string, string>();
    await Promise.all(Array.from({ length: 25 }, async (_, n) => {
      for (let i = 0; i < 11; i++) {
        const { answer } = await attempt(url, 'wrong-password', `192.0.2.${n}`);
        codes.set(`192.0.2.${n}`, answer.error!.code);
      }
    }));
    expect(new Set(codes.values())).toEqual(new Set(['AUTH_RATE_LIMITED']));
    expect(kernel.use(rateLimitServiceRef).size().authKeys).toBe(25);
    expect((await attempt(url, PASSWORD, '192.0.2.200')).answer.ok).toBe(true);
  });
});
