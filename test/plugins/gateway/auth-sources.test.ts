/**
 * Issue 19 #4, #5 and "no credential": the failed-auth lockout is keyed on the client's source
 * (loopback as one, IPv6 by /64, never the Origin header), remote sources share a budget of
 * password checks, and a request without any credential is not a failed login. Real gateway,
 * real sockets: many loopback addresses through `localAddress`, remote ones through a trusted
 * proxy's X-Forwarded-For.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import { connectClient, openClient, PASSWORD, startGateway } from './helpers.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** One handshake; the error code, or "ok". */
async function handshake(url: string, password: string, options: { from?: string; origin?: string; localAddress?: string } = {}): Promise<string> {
  const client = openClient(url, {
    ...(options.from !== undefined ? { headers: { 'X-Forwarded-For': options.from } } : {}),
    ...(options.origin !== undefined ? { origin: options.origin } : {}),
    ...(options.localAddress !== undefined ? { localAddress: options.localAddress } : {}),
  });
  const answer = await client.connect({ password });
  client.ws.terminate();
  return answer.ok ? 'ok' : answer.error!.code;
}

const tally = (codes: string[]) => codes.reduce<Record<string, number>>((counts, code) => ({ ...counts, [code]: (counts[code] ?? 0) + 1 }), {});

describe('failed-auth lockout by source', () => {
  it('IN-19 #4: 220 wrong passwords from rotating 127.x.y.z addresses: loopback is one source, only maxAttempts are checked', async () => {
    const { url } = await startGateway();
    const codes: string[] = [];
    for (let i = 0; i < 220; i++) codes.push(await handshake(url, `guess-${i}`, { localAddress: `127.0.${1 + (i % 11)}.${1 + Math.floor(i / 11)}` }));
    expect(tally(codes)).toEqual({ UNAUTHORIZED: 10, AUTH_RATE_LIMITED: 210 });
  });

  it('IN-19 #4: 300 wrong passwords through a trusted proxy from rotating addresses of one IPv6 /64: one source', async () => {
    const { url } = await startGateway({ options: { trustedProxies: ['127.0.0.1'] } });
    const codes: string[] = [];
    for (let i = 0; i < 300; i++) codes.push(await handshake(url, `guess-${i}`, { from: `2001:db8:7:9:${((i * 7919) % 65_536).toString(16)}:${i.toString(16)}::${(i % 13) + 1}` }));
    expect(tally(codes)).toEqual({ UNAUTHORIZED: 10, AUTH_RATE_LIMITED: 290 });
    // Another /64 of the same /48 is another source.
    expect(await handshake(url, PASSWORD, { from: '2001:db8:7:a::1' })).toBe('ok');
  });

  it('IN-19 #4: ipv6SourcePrefix sets the grouping (/48 here)', async () => {
    const { url } = await startGateway({ options: { trustedProxies: ['127.0.0.1'], ipv6SourcePrefix: 48 }, rateLimit: { auth: { maxAttempts: 3 } } });
    for (let i = 0; i < 3; i++) await handshake(url, 'wrong', { from: `2001:db8:7:${i}::1` });
    expect(await handshake(url, PASSWORD, { from: '2001:db8:7:ffff::2' })).toBe('AUTH_RATE_LIMITED');
    expect(await handshake(url, PASSWORD, { from: '2001:db8:8::1' })).toBe('ok');
  });

  it('IN-19 #4: rotating remote sources share one budget of password checks per minute; loopback and known sources are not held by it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { url } = await startGateway({ options: { trustedProxies: ['127.0.0.1'] } });
    // A remote owner logged in once from this address: a known source.
    expect(await handshake(url, PASSWORD, { from: '198.51.100.77' })).toBe('ok');
    const codes: string[] = [];
    for (let i = 0; i < 300; i++) codes.push(await handshake(url, `guess-${i}`, { from: `203.0.${Math.floor(i / 250)}.${(i % 250) + 1}` }));
    // The default budget: 30 remote checks a minute (one was the owner's), the clock standing still.
    expect(tally(codes)).toEqual({ UNAUTHORIZED: 29, AUTH_RATE_LIMITED: 271 });
    const client = openClient(url, { headers: { 'X-Forwarded-For': '192.0.2.50' } });
    const refused = await client.connect({ password: PASSWORD });
    expect(refused.error).toMatchObject({ code: 'AUTH_RATE_LIMITED', details: { limit: 'remote-budget' } });
    expect(refused.error!.retryAfterMs).toBeGreaterThan(0);
    expect(refused.error!.retryAfterMs).toBeLessThanOrEqual(2_000);
    expect(await handshake(url, PASSWORD)).toBe('ok');
    expect(await handshake(url, PASSWORD, { from: '198.51.100.77' })).toBe('ok');
    vi.setSystemTime(Date.now() + refused.error!.retryAfterMs!);
    expect(await handshake(url, PASSWORD, { from: '192.0.2.50' })).toBe('ok');
  });

  it('IN-19 #5: wrong passwords with the UI\'s own Origin from one address never lock out another address', async () => {
    const origin = 'https://moltbot.example';
    const { url } = await startGateway({ options: { trustedProxies: ['127.0.0.1'] }, gateway: { controlUi: { allowedOrigins: [origin] } } });
    for (let round = 0; round < 2; round++) {
      const attacker = `198.51.100.${10 + round}`;
      const codes: string[] = [];
      for (let i = 0; i < 12; i++) codes.push(await handshake(url, `guess-${i}`, { from: attacker, origin }));
      expect(tally(codes)).toEqual({ UNAUTHORIZED: 10, AUTH_RATE_LIMITED: 2 });
      expect(await handshake(url, PASSWORD, { from: attacker, origin })).toBe('AUTH_RATE_LIMITED');
      expect(await handshake(url, PASSWORD, { from: '192.0.2.20', origin })).toBe('ok');
      expect(await handshake(url, PASSWORD, { from: '192.0.2.21' })).toBe('ok');
    }
  });
});

function routes() {
  return definePlugin({
    name: 'test-routes',
    version: '1.0.0',
    setup(ctx) {
      ctx.hooks.httpRoute.tap(ctx.name, (router) => {
        router.route({ method: 'GET', path: '/metrics-like', handler: (_req, res) => { res.end('metrics'); } });
      });
    },
  });
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('requests without a credential', () => {
  it('IN-19 extra: a local scraper without a token gets 401 every time and never locks out the CLI', async () => {
    const { url, port } = await startGateway({ extra: [routes()] });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await get(port, '/metrics-like')).status);
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect((await connectClient(url)).ws.readyState).toBe(1);
    expect((await get(port, '/metrics-like', { Authorization: `Bearer ${PASSWORD}` })).status).toBe(200);
    // A WebSocket connect without any credential is not a failure either.
    for (let i = 0; i < 12; i++) expect(await handshake(url, undefined as unknown as string)).toBe('UNAUTHORIZED');
    expect(await handshake(url, PASSWORD)).toBe('ok');
  });

  it('IN-21: a locked-out HTTP client gets 429 with Retry-After in seconds and retryAfterMs', async () => {
    const { port } = await startGateway({ extra: [routes()], rateLimit: { auth: { maxAttempts: 2 } } });
    for (let i = 0; i < 2; i++) expect((await get(port, '/metrics-like', { Authorization: 'Bearer wrong-secret' })).status).toBe(401);
    const locked = await get(port, '/metrics-like', { Authorization: `Bearer ${PASSWORD}` });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(290);
  });
});
