import { describe, expect, it } from 'vitest';
import { connectClient, openClient, startGateway } from './helpers.ts';
import { rawRequest, upgradeHead } from './raw.ts';

describe('HTTP-level robustness', () => {
  it('IN-10: an upgrade with 2 100 headers is refused before ws sees it, and the gateway keeps serving', async () => {
    // CVE-2024-37890 needed headers beyond maxHeadersCount to be dropped (Upgrade lost, ws 400).
    // Node 24 instead fails the parse (header overflow) and answers 431 before any handler runs.
    const { port, url } = await startGateway();
    const padding = Array.from({ length: 2_100 }, () => 'a: b');
    expect(await rawRequest(port, upgradeHead(padding)).status).toBe(431);
    // Past Node's limits, ws's own handshake checks answer 400.
    expect(await rawRequest(port, upgradeHead().replace(/Sec-WebSocket-Key: .*\r\n/, '')).status).toBe(400);
    expect((await (await connectClient(url)).request('ping')).ok).toBe(true);
  });

  it('IN-11: headers dribbled slowly are cut off by headersTimeout', async () => {
    const { port } = await startGateway({ options: { headersTimeoutMs: 300 } });
    const raw = rawRequest(port, 'GET /healthz HTTP/1.1\r\n');
    const began = Date.now();
    const timer = setInterval(() => raw.socket.write('X'), 50);
    await raw.ended;
    clearInterval(timer);
    expect(Date.now() - began).toBeLessThan(2_000);
    expect(raw.received().toString()).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
  });

  it('IN-12: upgraded but silent sockets are closed at the handshake timeout (1008)', async () => {
    const { url } = await startGateway({ gateway: { connectionTimeout: 200 } });
    const silent = openClient(url);
    const began = Date.now();
    expect(await silent.closed).toEqual({ code: 1008, reason: 'handshake timeout' });
    expect(Date.now() - began).toBeLessThan(1_500);
  });

  it('IN-12: unauthenticated sockets are capped per source and in total: the oldest idle one makes room (1013); an authenticated client still connects', async () => {
    const { url } = await startGateway({ options: { trustedProxies: ['127.0.0.1'], maxPendingHandshakesPerIp: 3, maxPendingHandshakes: 5 } });
    const from = (ip: string) => openClient(url, { headers: { 'X-Forwarded-For': ip } });
    const first = [from('192.0.2.1'), from('192.0.2.1'), from('192.0.2.1')];
    await Promise.all(first.map((client) => client.opened));
    const fourth = from('192.0.2.1');
    await fourth.opened;
    expect(await first[0]!.closed).toEqual({ code: 1013, reason: 'too many unauthenticated connections' });
    const second = [from('192.0.2.2'), from('192.0.2.2')];
    await Promise.all(second.map((client) => client.opened));
    // Total cap: the source holding the most (192.0.2.1, three) loses its oldest idle socket.
    await from('192.0.2.3').opened;
    expect(await first[1]!.closed).toEqual({ code: 1013, reason: 'too many unauthenticated connections' });
    expect(second.map((client) => client.ws.readyState)).toEqual([1, 1]);
    expect((await connectClient(url)).ws.readyState).toBe(1);
  });

  it('maxConnections: the next upgrade is refused with 503 until a client leaves', async () => {
    const { url, service } = await startGateway({ gateway: { maxConnections: 3 } });
    const clients = await Promise.all([connectClient(url), connectClient(url), connectClient(url)]);
    expect(service.connections).toBe(3);
    await expect(openClient(url).opened).rejects.toThrow('upgrade refused: 503');
    clients[0]!.ws.close();
    await clients[0]!.closed;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await connectClient(url)).ws.readyState).toBe(1);
  });

  it('OR-01 / OR-04: a foreign origin (or a rebinding Host) is refused with 403 before the upgrade, credentials or not', async () => {
    const { port, url } = await startGateway();
    await expect(openClient(url, { origin: 'https://evil.example' }).opened).rejects.toThrow('upgrade refused: 403');
    const rebinding = rawRequest(port, upgradeHead(['Origin: http://attacker.test:' + port]).replace('Host: 127.0.0.1', `Host: attacker.test:${port}`));
    expect(await rebinding.status).toBe(403);
    expect((await (await connectClient(url, undefined, { origin: `http://127.0.0.1:${port}` })).request('ping')).ok).toBe(true);
  });

  it('only / is a WebSocket endpoint', async () => {
    const { url } = await startGateway();
    await expect(openClient(`${url}other`).opened).rejects.toThrow('upgrade refused: 404');
  });
});
