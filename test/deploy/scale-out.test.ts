/**
 * Scale-out with real processes: three `moltbot gateway` instances on their own loopback ports
 * and state dirs, one config (session-store-redis, events-redis, rate-limit-redis) and the real
 * Redis on 127.0.0.1:6379.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { deletePrefix, REDIS_URL as REDIS, redisPrefix } from '../helpers/redis.ts';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.ts';
import { startGatewayProcess, writeConfig, type GatewayProcess } from '../helpers/gateway-process.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { chat, waitFor } from '../plugins/agent/harness.ts';
import { connectClient, openClient } from '../plugins/gateway/helpers.ts';

const PASSWORD = 'scale-out-test-password-0123';

describe('scale-out: three gateway processes sharing Redis', { timeout: 60_000 }, () => {
  let fake: FakeProvider;
  let dir: string;
  let keyPrefix: string;
  let gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    fake = await startFakeProvider();
    keyPrefix = redisPrefix({ cleanup: 'manual' });
    return async () => {
      await Promise.all(gateways.map((g) => g.stop('SIGKILL')));
      await fake.close();
      await deletePrefix(keyPrefix);
    };
  });

  const boot = async (name: string) => {
    const gateway = await startGatewayProcess(dir, name);
    gateways.push(gateway);
    return gateway;
  };

  it('a conversation through A is in the history and the event stream of B and C', async () => {
    dir = useTempDir('moltbot-scale-').dir;
    writeConfig(dir, {
      agent: { model: 'fake/m' },
      providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-key' } },
      gateway: { auth: { mode: 'password', password: PASSWORD } },
      redis: { url: REDIS, keyPrefix },
      // A short lease ttl so the test sees a dead instance's session free itself quickly.
      plugins: [['session-store-redis', { leaseTtlMs: 1000 }], 'events-redis', ['rate-limit-redis', { auth: { maxAttempts: 3 } }]],
    });
    const [a, b, c] = await Promise.all([boot('a'), boot('b'), boot('c')]);
    expect(a.output()).not.toContain('session-store-file');
    const watchers = await Promise.all([b, c].map((g) => connectClient(g.url, { password: PASSWORD })));
    for (const watcher of watchers) expect((await watcher.request('sessions.subscribe', { sessionKey: 'agent:main:main' })).ok).toBe(true);
    const sender = await connectClient(a.url, { password: PASSWORD });
    fake.script({ text: 'shared across the cluster', chunks: 2 });
    const { response, final } = await chat(sender, 'hello cluster');
    expect(final.payload.status).toBe('ok');
    for (const watcher of watchers) {
      const seen = await waitFor(watcher, (f) => f.event === 'chat.final' && f.payload.runId === response.payload.runId);
      expect(seen.payload.text).toBe('shared across the cluster');
      const history = await watcher.request('chat.history', { sessionKey: 'agent:main:main' });
      expect(history.payload.messages.map((m: { content: string }) => m.content)).toEqual(['hello cluster', 'shared across the cluster']);
    }
  });

  it('an instance SIGKILLed mid-run loses no message it acknowledged', async () => {
    const [a, b] = gateways;
    const sender = await connectClient(a!.url, { password: PASSWORD });
    fake.script({ hang: true });
    const before = fake.requests.length;
    const ack = await sender.request('chat.send', { message: 'acknowledged then killed', sessionKey: 'agent:main:telegram:dm:99' });
    expect(ack.ok).toBe(true);
    // Mid-run: the model call is in flight (hanging) when the process dies.
    while (fake.requests.length === before) await new Promise((resolve) => setTimeout(resolve, 10));
    await a!.stop('SIGKILL');
    const reader = await connectClient(b!.url, { password: PASSWORD });
    const history = await reader.request('chat.history', { sessionKey: 'agent:main:telegram:dm:99' });
    expect(history.payload.messages.map((m: { content: string }) => m.content)).toContain('acknowledged then killed');
    // The killed instance's session lease expires; the session runs again elsewhere.
    fake.script({ text: 'after the crash' });
    const again = await chat(reader, 'next', 'agent:main:telegram:dm:99');
    expect(again.final.payload).toMatchObject({ status: 'ok', text: 'after the crash' });
  });

  it('failed-auth lockout holds across the instances', async () => {
    const [, b, c] = gateways;
    const attempt = async (url: string, password: string) => (await openClient(url).connect({ password })).error?.code;
    expect([await attempt(b!.url, 'wrong'), await attempt(c!.url, 'wrong'), await attempt(b!.url, 'wrong')]).toEqual(['UNAUTHORIZED', 'UNAUTHORIZED', 'UNAUTHORIZED']);
    expect(await attempt(c!.url, PASSWORD)).toBe('AUTH_RATE_LIMITED');
    expect(await attempt(b!.url, PASSWORD)).toBe('AUTH_RATE_LIMITED');
  });
});
