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
import { useTempDir } from '../../helpers/temp-dir.ts';
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

  it('IN-19 #4: remote sources share one budget of password checks per minute; over it each source gets one check a window; loopback and known sources are not held by it', async () => {
    const { url } = await startGateway({ options: { trustedProxies: ['127.0.0.1'] } });
    // A remote owner logged in once from this address: a known source.
    expect(await handshake(url, PASSWORD, { from: '198.51.100.77' })).toBe('ok');
    const codes: string[] = [];
    // The default budget: 30 remote checks a minute (one was the owner's).
    for (let i = 0; i < 29; i++) codes.push(await handshake(url, `guess-${i}`, { from: `203.0.0.${i + 1}` }));
    expect(tally(codes)).toEqual({ UNAUTHORIZED: 29 });
    // Over budget: a source's first check of the window is made, its next ones are refused unchecked.
    expect(await handshake(url, 'guess-a', { from: '203.0.1.1' })).toBe('UNAUTHORIZED');
    const client = openClient(url, { headers: { 'X-Forwarded-For': '203.0.1.1' } });
    const refused = await client.connect({ password: PASSWORD });
    expect(refused.error).toMatchObject({ code: 'AUTH_RATE_LIMITED', details: { limit: 'remote-budget' } });
    expect(refused.error!.retryAfterMs).toBeGreaterThan(0);
    expect(refused.error!.retryAfterMs).toBeLessThanOrEqual(2_000);
    // Loopback and the known source are not held by the budget, however often they come.
    for (let i = 0; i < 3; i++) {
      expect(await handshake(url, PASSWORD)).toBe('ok');
      expect(await handshake(url, PASSWORD, { from: '198.51.100.77' })).toBe('ok');
    }
  });

  it('IN-19 #4 follow-up: a correct password from a new remote address is accepted while the budget is spent', async () => {
    const { url } = await startGateway({ options: { trustedProxies: ['127.0.0.1'] }, rateLimit: { auth: { remoteChecksPerMinute: 5 } } });
    for (let i = 0; i < 5; i++) expect(await handshake(url, `guess-${i}`, { from: `203.0.2.${i + 1}` })).toBe('UNAUTHORIZED');
    // Spent: this source's first check over budget is made, its second is refused unchecked.
    expect(await handshake(url, 'guess-x', { from: '203.0.2.99' })).toBe('UNAUTHORIZED');
    expect(await handshake(url, PASSWORD, { from: '203.0.2.99' })).toBe('AUTH_RATE_LIMITED');
    expect(await handshake(url, PASSWORD, { from: '192.0.2.50' })).toBe('ok');
    // ...and it is known from now on: not held by the budget again.
    expect(await handshake(url, PASSWORD, { from: '192.0.2.50' })).toBe('ok');
  });

  it('IN-19 #4 follow-up: a known source survives a restart (persisted in the state dir)', async () => {
    const stateDir = useTempDir('moltbot-known-sources-').dir;
    const start = () => startGateway({ options: { trustedProxies: ['127.0.0.1'] }, rateLimit: { auth: { remoteChecksPerMinute: 2 } }, env: { MOLTBOT_STATE_DIR: stateDir } });
    const first = await start();
    expect(await handshake(first.url, PASSWORD, { from: '198.51.100.77' })).toBe('ok');
    await first.kernel.close();
    const { url } = await start();
    for (let i = 0; i < 2; i++) expect(await handshake(url, 'guess', { from: `203.0.3.${i + 1}` })).toBe('UNAUTHORIZED');
    // Budget spent: an unknown source gets one check a window, a known one as many as it needs.
    expect(await handshake(url, PASSWORD, { from: '192.0.2.60' })).toBe('ok');
    expect(await handshake(url, 'wrong', { from: '192.0.2.61' })).toBe('UNAUTHORIZED');
    expect(await handshake(url, PASSWORD, { from: '192.0.2.61' })).toBe('AUTH_RATE_LIMITED');
    // (A typo first: an unknown source would have used its one over-budget check on it.)
    expect(await handshake(url, 'wrong', { from: '198.51.100.77' })).toBe('UNAUTHORIZED');
    expect(await handshake(url, PASSWORD, { from: '198.51.100.77' })).toBe('ok');
  });

  it('IN-19 #4 follow-up: a random token (32+ characters) is not charged to the budget; a short token is', async () => {
    const long = 'k'.repeat(43);
    const short = 's'.repeat(24);
    for (const [token, expected] of [[long, ['UNAUTHORIZED', 'UNAUTHORIZED', 'UNAUTHORIZED', 'UNAUTHORIZED']], [short, ['UNAUTHORIZED', 'UNAUTHORIZED', 'AUTH_RATE_LIMITED', 'AUTH_RATE_LIMITED']]] as const) {
      const { url } = await startGateway({ options: { trustedProxies: ['127.0.0.1'] }, rateLimit: { auth: { remoteChecksPerMinute: 1 } }, gateway: { auth: { mode: 'token', token } } });
      const codes: string[] = [];
      for (let i = 0; i < 4; i++) {
        const client = openClient(url, { headers: { 'X-Forwarded-For': '203.0.4.1' } });
        const answer = await client.connect({ token: `${token.slice(0, -1)}${i}` });
        client.ws.terminate();
        codes.push(answer.ok ? 'ok' : answer.error!.code);
      }
      expect(codes).toEqual(expected);
    }
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
