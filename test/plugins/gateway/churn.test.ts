import { readdirSync } from 'node:fs';
import { rateLimitServiceRef } from '../../../sdk/rate-limit/index.ts';
import { describe, expect, it } from 'vitest';
import { connectClient, openClient, startGateway } from './helpers.ts';

const openFds = () => readdirSync('/proc/self/fd').length;

describe('connection churn', () => {
  it('LD-03 (bounded): 200 connect/request/close cycles, some abandoned mid-handshake, leave nothing behind', async () => {
    // Request limits out of reach: 180 pings from one credential must not turn the last call into RATE_LIMITED.
    const { url, service, kernel } = await startGateway({ gateway: { rateLimiting: { enabled: true, requestsPerMinute: 1_000_000, burstSize: 100_000 } } });
    // Warm up so lazily created things (the ws endpoint, validators) are not counted as leaks.
    const warm = await connectClient(url);
    await warm.request('ping');
    warm.ws.close();
    await warm.closed;
    const baseline = openFds();
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(Array.from({ length: 10 }, async (_, i) => {
        if (i === 9) {
          const abandoned = openClient(url);
          await abandoned.opened;
          abandoned.ws.terminate();
          return;
        }
        const client = await connectClient(url);
        await client.request('ping');
        client.ws.close();
        await client.closed;
      }));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(service.connections).toBe(0);
    expect(kernel.use(rateLimitServiceRef).size()).toEqual({ authKeys: 0, requestKeys: 1 });
    expect(openFds()).toBeLessThanOrEqual(baseline + 2);
    const status = await (await connectClient(url)).request('status');
    expect(status.error).toBeUndefined();
    expect(status.payload).toMatchObject({ connections: 1, pendingHandshakes: 0 });
  });
});

describe('concurrent clients', () => {
  it('LD-01 (bounded): 100 authenticated clients × 20 requests all succeed', async () => {
    const { url } = await startGateway({ gateway: { maxConnections: 200, rateLimiting: { enabled: true, requestsPerMinute: 1_000_000, burstSize: 10_000 } } });
    const clients = await Promise.all(Array.from({ length: 100 }, () => connectClient(url)));
    const answers = await Promise.all(clients.map(async (client) => {
      const frames = await Promise.all(Array.from({ length: 20 }, () => client.request('ping')));
      return frames.filter((frame) => frame.ok).length;
    }));
    expect(answers.reduce((sum, ok) => sum + ok, 0)).toBe(2_000);
  });
});

describe('ws pin', () => {
  it('IN-09: ws >= 8.21 (tiny-fragment DoS fix, maxFragments) is what runs and what package.json asks for', async () => {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const installed = (require('ws/package.json') as { version: string }).version;
    const declared = (require('../../../package.json') as { dependencies: Record<string, string> }).dependencies.ws!;
    const [major, minor] = installed.split('.').map(Number) as [number, number];
    expect(major === 8 && minor >= 21).toBe(true);
    expect(declared).toMatch(/^\^8\.(2[1-9]|[3-9]\d)\./);
  });
});
