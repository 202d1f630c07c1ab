import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import { PASSWORD, startGateway } from './helpers.ts';
import { gatewayServiceRef } from '../../../sdk/gateway/index.ts';

function routes(log: string[]) {
  return definePlugin({
    name: 'test-routes',
    version: '1.0.0',
    setup(ctx) {
      ctx.hooks.httpRoute.tap(ctx.name, (router) => {
        router.route({ method: 'GET', path: '/hello', public: true, handler: (_req, res) => { res.end('hello'); } });
        router.route({ method: 'GET', path: '/secret', handler: (_req, res) => { log.push('secret'); res.end('classified'); } });
        router.route({ method: 'POST', path: '/admin', scope: 'admin', handler: (_req, res) => { log.push('admin'); res.end('done'); } });
        router.route({ method: 'GET', path: '/boom', handler: () => { throw new Error('route exploded'); } });
      });
    },
  });
}

const bearer = (secret: string) => ({ Authorization: `Bearer ${secret}` });

describe('gateway HTTP', () => {
  it('/healthz is live; /readyz is ready, and 503 while a critical component is degraded', async () => {
    const { httpUrl, service } = await startGateway();
    const live = await fetch(`${httpUrl}/healthz`);
    expect([live.status, await live.json(), live.headers.get('cache-control')]).toEqual([200, { ok: true, status: 'live' }, 'no-store']);
    expect((await fetch(`${httpUrl}/readyz`)).status).toBe(200);
    service.health.report('cache', 'degraded', { critical: false, detail: 'redis down' });
    expect((await fetch(`${httpUrl}/readyz`)).status).toBe(200);
    service.health.report('sessions', 'degraded', { critical: true, detail: 'disk full' });
    const degraded = await fetch(`${httpUrl}/readyz`);
    expect(degraded.status).toBe(503);
    expect(await degraded.json()).toMatchObject({ ok: false, status: 'degraded', components: { sessions: { status: 'degraded', critical: true, detail: 'disk full' } } });
    service.health.report('sessions', 'ok', { critical: true });
    expect((await fetch(`${httpUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${httpUrl}/healthz`, { method: 'HEAD' })).status).toBe(200);
  });

  it('/readyz answers 503 until the kernel is ready', async () => {
    const seen: number[] = [];
    const probe = definePlugin({
      name: 'probe',
      version: '1.0.0',
      dependencies: ['gateway'],
      setup(ctx) {
        // The gateway started first (dependency) and listens; the kernel is not ready yet.
        ctx.hooks.start.tapPromise(ctx.name, async () => {
          seen.push((await fetch(`${ctx.use(gatewayServiceRef).address()!.httpUrl}/readyz`)).status);
        });
      },
    });
    const { httpUrl } = await startGateway({ extra: [probe] });
    expect(seen).toEqual([503]);
    expect((await fetch(`${httpUrl}/readyz`)).status).toBe(200);
  });

  it('plugin routes: public ones open, others need a Bearer secret (401), the scope (403); unknown 404, wrong method 405', async () => {
    const log: string[] = [];
    const { httpUrl } = await startGateway({ extra: [routes(log)] });
    expect(await (await fetch(`${httpUrl}/hello`)).text()).toBe('hello');
    const anonymous = await fetch(`${httpUrl}/secret`);
    expect([anonymous.status, anonymous.headers.get('www-authenticate'), await anonymous.json()]).toEqual([
      401, 'Bearer', { ok: false, error: { code: 'UNAUTHORIZED', message: 'authentication failed' } },
    ]);
    expect(await (await fetch(`${httpUrl}/secret`, { headers: bearer(PASSWORD) })).text()).toBe('classified');
    expect((await fetch(`${httpUrl}/admin`, { method: 'POST', headers: bearer(PASSWORD) })).status).toBe(200);
    expect((await fetch(`${httpUrl}/nowhere`)).status).toBe(404);
    const wrongMethod = await fetch(`${httpUrl}/hello`, { method: 'DELETE' });
    expect([wrongMethod.status, wrongMethod.headers.get('allow')]).toEqual([405, 'GET']);
    const failing = await fetch(`${httpUrl}/boom`, { headers: bearer(PASSWORD) });
    expect([failing.status, await failing.json()]).toEqual([500, { ok: false, error: { code: 'INTERNAL', message: 'internal error; see the gateway log' } }]);
    expect(log).toEqual(['secret', 'admin']);
  });

  it('AU-10: a credential in the query string is ignored', async () => {
    const { httpUrl } = await startGateway({ extra: [routes([])] });
    expect((await fetch(`${httpUrl}/secret?token=${PASSWORD}&password=${PASSWORD}`)).status).toBe(401);
  });

  it('HTTP failures count toward the lockout: 429 with Retry-After', async () => {
    const { httpUrl } = await startGateway({ extra: [routes([])], rateLimit: { auth: { maxAttempts: 3 } } });
    for (let i = 0; i < 3; i++) expect((await fetch(`${httpUrl}/secret`, { headers: bearer('wrong') })).status).toBe(401);
    const locked = await fetch(`${httpUrl}/secret`, { headers: bearer(PASSWORD) });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(290);
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('AUTH_RATE_LIMITED');
  });

  it('OR-08: no CORS anywhere; a foreign origin is refused (403), its preflight too', async () => {
    const log: string[] = [];
    const { httpUrl, port } = await startGateway({ extra: [routes(log)] });
    const foreign = await fetch(`${httpUrl}/secret`, { headers: { ...bearer(PASSWORD), Origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    const preflight = await fetch(`${httpUrl}/admin`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.status).toBe(403);
    const own = await fetch(`${httpUrl}/admin`, { method: 'OPTIONS', headers: { Origin: `http://127.0.0.1:${port}` } });
    expect(own.status).toBe(204);
    for (const response of [foreign, preflight, own, await fetch(`${httpUrl}/healthz`)]) {
      expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
    expect(log).toEqual([]);
  });

  it('the generated token works as a Bearer credential', async () => {
    const { httpUrl, kernel } = await startGateway({ gateway: { auth: { mode: 'token' } }, extra: [routes([])] });
    const { readFileSync } = await import('node:fs');
    const token = readFileSync(`${kernel.tempDir}/state/credentials/gateway-token`, 'utf8').trim();
    expect((await fetch(`${httpUrl}/secret`, { headers: bearer(token) })).status).toBe(200);
  });
});
