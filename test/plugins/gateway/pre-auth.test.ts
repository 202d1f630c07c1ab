/**
 * Issue 19 #3: unauthenticated sockets never take the slots of authenticated clients, and a
 * flood of them (from loopback or from many remote addresses) cannot keep a correct credential
 * out. Real gateway, real sockets; remote addresses through a trusted proxy's X-Forwarded-For.
 */
import { describe, expect, it } from 'vitest';
import { connectClient, openClient, startGateway, type TestClient } from './helpers.ts';
import { gatewayServiceRef } from '../../../sdk/gateway/index.ts';

/** Idle sockets: upgraded, never a `connect`. Resolves once each was answered (opened or refused). */
async function flood(url: string, count: number, options: (i: number) => Parameters<typeof openClient>[1]): Promise<TestClient[]> {
  const clients = Array.from({ length: count }, (_, i) => openClient(url, options(i)));
  await Promise.allSettled(clients.map((client) => client.opened));
  return clients;
}

const stillOpen = (clients: TestClient[]) => clients.filter((client) => client.ws.readyState === 1).length;

describe('pre-auth sockets', () => {
  it('IN-19 #3: 100 idle sockets from two loopback addresses (defaults, maxConnections 100) do not keep the owner out', async () => {
    const { url, kernel } = await startGateway();
    const idle = await flood(url, 100, (i) => ({ localAddress: i % 2 === 0 ? '127.0.0.2' : '127.0.0.3' }));
    for (let i = 0; i < 5; i++) {
      const owner = await connectClient(url, undefined, { localAddress: '127.0.0.1' });
      expect((await owner.request('ping')).ok).toBe(true);
    }
    // The caps held: loopback is one source, at most maxPendingHandshakesPerIp (24) idle sockets stay.
    expect(stillOpen(idle)).toBeLessThanOrEqual(24);
    const status = (await (await connectClient(url)).request('status')).payload;
    expect(status.pendingHandshakes).toBeLessThanOrEqual(24);
    expect(status.preAuthEvictions).toBeGreaterThanOrEqual(76);
    expect(kernel.use(gatewayServiceRef).connections).toBeGreaterThanOrEqual(6);
  });

  it('IN-19 #3: idle pre-auth sockets never count toward maxConnections', async () => {
    const { url, service } = await startGateway({ gateway: { maxConnections: 3 }, options: { trustedProxies: ['127.0.0.1'] } });
    const idle = await flood(url, 10, (i) => ({ headers: { 'X-Forwarded-For': `192.0.2.${i + 1}` } }));
    expect(stillOpen(idle)).toBe(10);
    const clients = await Promise.all([connectClient(url), connectClient(url), connectClient(url)]);
    expect(clients.every((client) => client.ws.readyState === 1)).toBe(true);
    expect(service.connections).toBe(13);
    // The authenticated slots are full now: the fourth client is refused, the idle ones are not the reason.
    await expect(openClient(url).opened).rejects.toThrow('upgrade refused: 503');
  });

  it('IN-19 #3: a flood from many remote addresses (past the total cap) cannot keep a correct credential out', async () => {
    const { url } = await startGateway({ options: { trustedProxies: ['127.0.0.1'] } });
    const idle = await flood(url, 150, (i) => ({ headers: { 'X-Forwarded-For': `203.0.113.${(i % 250) + 1}` } }));
    expect(stillOpen(idle)).toBeLessThanOrEqual(48);
    // While the flood goes on, the owner on loopback and a remote client both get in.
    const more = flood(url, 150, (i) => ({ headers: { 'X-Forwarded-For': `198.51.100.${(i % 250) + 1}` } }));
    const owner = await connectClient(url);
    const remote = await connectClient(url, undefined, { headers: { 'X-Forwarded-For': '192.0.2.99' } });
    expect([(await owner.request('ping')).ok, (await remote.request('ping')).ok]).toEqual([true, true]);
    const evicted = await Promise.race([idle[0]!.closed, new Promise((resolve) => setTimeout(resolve, 5_000, 'still open'))]);
    expect(evicted).toEqual({ code: 1013, reason: 'too many unauthenticated connections' });
    await more;
  });

  it('IN-19 #3: one source past its own cap evicts its own oldest idle socket, not other sources\' ones', async () => {
    const { url } = await startGateway({ options: { trustedProxies: ['127.0.0.1'], maxPendingHandshakesPerIp: 3, maxPendingHandshakes: 5 } });
    const from = (ip: string) => openClient(url, { headers: { 'X-Forwarded-For': ip } });
    const other = [from('192.0.2.2'), from('192.0.2.2')];
    await Promise.all(other.map((client) => client.opened));
    const first = [from('192.0.2.1'), from('192.0.2.1'), from('192.0.2.1')];
    await Promise.all(first.map((client) => client.opened));
    const fourth = from('192.0.2.1');
    await fourth.opened;
    await first[0]!.closed;
    expect([first[1]!.ws.readyState, first[2]!.ws.readyState, ...other.map((client) => client.ws.readyState)]).toEqual([1, 1, 1, 1]);
    expect((await connectClient(url)).ws.readyState).toBe(1);
  });
});
