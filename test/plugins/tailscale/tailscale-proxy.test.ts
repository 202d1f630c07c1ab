/**
 * Behind `tailscale serve` / `tailscale funnel`, tailscaled's proxy connects from loopback and
 * sets X-Forwarded-Host (the ts.net name), X-Forwarded-Proto (https) and X-Forwarded-For (it
 * replaces any client value with the real client address). With the default config
 * (`trustedProxies: []`) the gateway must still serve the control UI through it, and key each
 * internet client by its forwarded address. Real gateway, real HTTP and WebSocket requests
 * from 127.0.0.1 carrying tailscaled's headers; a fake `tailscale` binary on PATH.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { openClient, PASSWORD, startGateway } from '../gateway/helpers.ts';

const TS_HOST = 'moltbot.tail1234.ts.net';
let previousPath: string | undefined;

beforeEach(() => {
  const { dir } = useTempDir('moltbot-tailscale-proxy-');
  writeFileSync(join(dir, 'tailscale'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(dir, 'tailscale'), 0o755);
  previousPath = process.env.PATH;
  process.env.PATH = `${dir}:${process.env.PATH}`;
});
afterEach(() => {
  process.env.PATH = previousPath;
});

/** resetOnExit false: the kernel closes after afterEach has taken the fake binary off PATH. */
function startBehindTailscale(mode: 'serve' | 'funnel') {
  return startGateway({ gateway: { tailscale: { mode, resetOnExit: false } }, extra: ['tailscale'] });
}

/** The headers tailscaled's serve proxy adds for a client at `client`. */
const tailscaleHeaders = (client: string) => ({ 'X-Forwarded-Host': TS_HOST, 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': client });

/** One WebSocket handshake through "tailscaled"; the error code, "ok", or "upgrade refused: N". */
async function handshake(url: string, password: string, client: string, origin = `https://${TS_HOST}`): Promise<string> {
  const socket = openClient(url, { headers: tailscaleHeaders(client), origin });
  try {
    const answer = await socket.connect({ password });
    return answer.ok ? 'ok' : answer.error!.code;
  } catch (error) {
    return (error as Error).message;
  } finally {
    socket.ws.terminate();
  }
}

function get(httpUrl: string, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${httpUrl}${path}`, { headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('gateway behind tailscale serve/funnel (default trustedProxies)', () => {
  for (const mode of ['serve', 'funnel'] as const) {
    it(`${mode}: the control UI's WebSocket through tailscaled (loopback peer, ts.net origin, forwarded headers) connects`, async () => {
      const { url } = await startBehindTailscale(mode);
      expect(await handshake(url, PASSWORD, '100.101.102.103')).toBe('ok');
    });
  }

  it('funnel: an HTTP request through tailscaled is not refused as a forwarded host from an untrusted peer', async () => {
    const { httpUrl } = await startBehindTailscale('funnel');
    expect(await get(httpUrl, '/healthz', { ...tailscaleHeaders('203.0.113.9'), Origin: `https://${TS_HOST}` })).toBe(200);
  });

  it('funnel: each internet client is its own source: ten wrong passwords from one do not lock out another', async () => {
    const { url } = await startBehindTailscale('funnel');
    const codes: string[] = [];
    for (let i = 0; i < 12; i++) codes.push(await handshake(url, `guess-${i}`, '203.0.113.66'));
    expect(codes.slice(0, 10).every((code) => code === 'UNAUTHORIZED')).toBe(true);
    expect(codes.slice(10)).toEqual(['AUTH_RATE_LIMITED', 'AUTH_RATE_LIMITED']);
    expect(await handshake(url, PASSWORD, '198.51.100.20')).toBe('ok');
    // The local CLI (loopback, no forwarding headers) is its own source too.
    const cli = openClient(url);
    expect((await cli.connect({ password: PASSWORD })).ok).toBe(true);
  });

  it('a forwarded origin is accepted only for a ts.net host over https: another forwarded host is still refused', async () => {
    const { url } = await startBehindTailscale('serve');
    const socket = openClient(url, { headers: { ...tailscaleHeaders('100.64.0.9'), 'X-Forwarded-Host': 'evil.example' }, origin: 'https://evil.example' });
    await expect(socket.opened).rejects.toThrow('upgrade refused: 403');
  });

  it('without tailscale, forwarding headers from loopback are still refused (trustedProxies is empty)', async () => {
    const { url } = await startGateway();
    expect(await handshake(url, PASSWORD, '100.101.102.103')).toBe('upgrade refused: 403');
  });
});

describe('tailscale mode: loopback without X-Forwarded-For', () => {
  it('a loopback request with forwarding headers but no X-Forwarded-For is not the local owner (its lockout is not the CLI\'s)', async () => {
    const { url } = await startGateway({ gateway: { tailscale: { mode: 'serve', resetOnExit: false } }, extra: ['tailscale'], rateLimit: { auth: { maxAttempts: 2 } } });
    for (let i = 0; i < 3; i++) {
      const socket = openClient(url, { headers: { 'X-Forwarded-Host': TS_HOST, 'X-Forwarded-Proto': 'https' } });
      await socket.connect({ password: `guess-${i}` });
      socket.ws.terminate();
    }
    const cli = openClient(url);
    expect((await cli.connect({ password: PASSWORD })).ok).toBe(true);
  });
});
