/**
 * A Redis outage is visible and survivable: with a Redis server of the test's own that the test
 * kills and restarts, `/readyz` names the component that is down, `chat.send` is refused at once
 * with UNAVAILABLE (`details.code` MOLT_ERR_STORE_UNAVAILABLE, `retryAfterMs`), a signed webhook
 * in a cluster answers 503 with the same code, `diagnostics.report` (doctor) names the
 * component, and everything recovers by itself when Redis is back. A gateway process started
 * with Redis down listens, reports not-ready, and becomes ready once Redis answers.
 */
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCliCaptured } from '../../helpers/cli.ts';
import { eventually } from '../../helpers/eventually.ts';
import { startFakeProvider } from '../../helpers/fake-provider.ts';
import { startGatewayProcess, writeConfig } from '../../helpers/gateway-process.ts';
import { redisServer } from '../../helpers/redis-server.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { connectClient, startGateway } from '../gateway/helpers.ts';
import { postMessage, SECRET, startReceiver } from '../channel-webhook/receiver.ts';

async function readyz(httpUrl: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${httpUrl}/readyz`);
  return { status: response.status, body: await response.json() };
}

describe('Redis outage', { timeout: 90_000 }, () => {
  it('readyz and doctor name the down component; chat.send and webhooks fail at once with a code and retryAfterMs; all recovers', async () => {
    const redis = await redisServer();
    const fake = await startFakeProvider();
    onTestFinished(() => fake.close());
    const receiver = await startReceiver();
    const harness = await startGateway({
      extra: ['session-store-redis', 'cluster-redis', 'provider-openai', 'agent', 'channels', 'diagnostics'],
      config: {
        agent: { model: 'fake/m' },
        providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-key' } },
        redis: { url: redis.url, keyPrefix: 'outage' },
        channels: { webhook: { secret: SECRET, callbackUrl: receiver.url, dmPolicy: 'open', allowFrom: ['*'] } },
      },
    });
    const client = await connectClient(harness.url);
    const inbound = `${harness.httpUrl}/channels/webhook`;

    const up = await readyz(harness.httpUrl);
    expect(up.status).toBe(200);
    expect(up.body.components['session-store-redis']).toMatchObject({ status: 'ok', critical: true });
    expect(up.body.components['cluster-redis']).toMatchObject({ status: 'ok' });
    const first = await client.request('chat.send', { message: 'before the outage' });
    expect(first.ok).toBe(true);

    await redis.kill();
    const down = await eventually(async () => {
      const answer = await readyz(harness.httpUrl);
      return answer.status === 503 && answer.body.components['session-store-redis']?.status === 'degraded' ? answer : undefined;
    }, '/readyz to report session-store-redis down', 10_000);
    expect(down.body.status).toBe('degraded');
    expect(down.body.components['session-store-redis'].detail).toMatch(/Redis down/);
    expect(down.body.components['cluster-redis']).toMatchObject({ status: 'degraded', critical: false });

    const refused = await client.request('chat.send', { message: 'during the outage' });
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatchObject({ code: 'UNAVAILABLE', details: { code: 'MOLT_ERR_STORE_UNAVAILABLE', component: 'session-store-redis' }, retryAfterMs: expect.any(Number) });
    expect(refused.error!.retryAfterMs).toBeGreaterThan(0);

    const webhook = await postMessage(inbound, { sender: 'alice', text: 'during the outage', messageId: 'w-1' });
    expect(webhook.status).toBe(503);
    expect(webhook.body).toMatchObject({ ok: false, code: 'MOLT_ERR_STORE_UNAVAILABLE', retryAfterMs: expect.any(Number) });

    const doctor = await client.request('diagnostics.report', {});
    const checks = doctor.payload.checks as { id: string; severity: string; description: string }[];
    expect(checks.find((c) => c.id === 'sessions.redis')).toMatchObject({ severity: 'critical', description: expect.stringContaining('session-store-redis: Redis is unreachable') });
    expect(checks.find((c) => c.id === 'redis.cluster-redis')).toMatchObject({ severity: 'warning' });

    await redis.start();
    await eventually(async () => (await readyz(harness.httpUrl)).status === 200, '/readyz to be ready again', 15_000);
    expect((await readyz(harness.httpUrl)).body.components['session-store-redis'].status).toBe('ok');
    const after = await client.request('chat.send', { message: 'after the outage' });
    expect(after.ok).toBe(true);
    // The webhook the sender retries now goes through (it was not remembered while refused).
    expect((await postMessage(inbound, { sender: 'alice', text: 'during the outage', messageId: 'w-1' })).status).toBe(202);
    await receiver.waitFor(1, 15_000);
  });

  it('a gateway started while Redis is down listens, says which component is down, and becomes ready when Redis comes up', async () => {
    const redis = await redisServer({ running: false });
    const { dir } = useTempDir('moltbot-outage-');
    writeConfig(dir, {
      gateway: { auth: { mode: 'password', password: 'outage-gateway-password-0' } },
      redis: { url: redis.url },
      // cluster-redis too: its pairing store being down must not stop the channels from starting.
      plugins: ['session-store-redis', 'events-redis', 'rate-limit-redis', 'cluster-redis'],
    });
    const gateway = await startGatewayProcess(dir, 'a');
    onTestFinished(() => gateway.stop('SIGKILL').then(() => undefined));
    const down = await eventually(async () => {
      const answer = await readyz(gateway.httpUrl);
      return answer.body.status === 'degraded' ? answer : undefined;
    }, 'the gateway to be up and not ready', 15_000);
    expect(down.status).toBe(503);
    expect(Object.entries(down.body.components).filter(([, c]) => (c as { status: string }).status === 'degraded').map(([name]) => name).sort())
      .toEqual(['cluster-redis', 'events-redis', 'events-redis:subscriber', 'rate-limit-redis', 'session-store-redis']);
    // `moltbot doctor` (a CLI process: plugins loaded, not started) probes Redis and names each component.
    const doctor = await runCliCaptured(['doctor', '--json'], { cwd: dir, env: { MOLTBOT_STATE_DIR: join(dir, 'state-cli') } });
    expect(doctor.code).toBe(1);
    const checks = (JSON.parse(doctor.stdout) as { checks: { id: string; severity: string; description: string }[] }).checks;
    expect(checks.find((c) => c.id === 'sessions.redis')).toMatchObject({ severity: 'critical', description: expect.stringContaining('session-store-redis: Redis is unreachable') });
    expect(checks.find((c) => c.id === 'redis.events-redis')).toMatchObject({ severity: 'warning', description: expect.stringContaining('events-redis: Redis is down') });
    expect(checks.find((c) => c.id === 'redis.rate-limit-redis')).toMatchObject({ severity: 'warning' });
    expect(checks.find((c) => c.id === 'redis.cluster-redis')).toMatchObject({ severity: 'warning' });
    await redis.start();
    await eventually(async () => (await readyz(gateway.httpUrl)).status === 200, 'ready once Redis answers', 15_000);
    // Every component, critical or not, reports its recovery by itself.
    await eventually(async () => {
      const { body } = await readyz(gateway.httpUrl);
      return Object.values(body.components).every((c) => (c as { status: string }).status === 'ok');
    }, 'every Redis component ok again', 15_000);
  });
});
