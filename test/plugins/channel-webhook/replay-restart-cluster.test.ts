/**
 * A captured signed webhook request must not run the agent twice: not after a gateway restart
 * (real processes, the same state dir) and not when sent to two instances sharing Redis through
 * cluster-redis (real Redis). The fake provider counts the agent runs; the callback receiver
 * counts the replies.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { startFakeProvider } from '../../helpers/fake-provider.ts';
import { startGatewayProcess, writeConfig, type GatewayProcess } from '../../helpers/gateway-process.ts';
import { REDIS_URL, redisPrefix } from '../../helpers/redis.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { postMessage, sign, SECRET, startReceiver } from './receiver.ts';

const PASSWORD = 'replay-test-gateway-password-0';

async function setup(extra: Record<string, unknown> = {}) {
  const fake = await startFakeProvider();
  onTestFinished(() => fake.close());
  const receiver = await startReceiver();
  const { dir } = useTempDir('moltbot-replay-');
  writeConfig(dir, {
    agent: { model: 'fake/m' },
    providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-key' } },
    gateway: { auth: { mode: 'password', password: PASSWORD } },
    channels: { webhook: { secret: SECRET, callbackUrl: receiver.url, dmPolicy: 'open', allowFrom: ['*'] } },
    ...extra,
  });
  const gateways: GatewayProcess[] = [];
  onTestFinished(() => Promise.all(gateways.map((g) => g.stop('SIGKILL'))).then(() => undefined));
  const start = async (name: string) => {
    const gateway = await startGatewayProcess(dir, name);
    gateways.push(gateway);
    return gateway;
  };
  return { fake, receiver, start };
}

/** Sends exactly the bytes and headers of a request captured earlier. */
async function replay(url: string, captured: { raw: string; timestamp: number }) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Moltbot-Timestamp': String(captured.timestamp), 'X-Moltbot-Signature': sign(SECRET, captured.timestamp, captured.raw) },
    body: captured.raw,
  });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

describe('signed webhook replay memory', { timeout: 90_000 }, () => {
  it('after a gateway restart the same signed request (and the same message id) is a duplicate: the agent ran once', async () => {
    const { fake, receiver, start } = await setup();
    const first = await start('a');
    const inbound = `${first.httpUrl}/channels/webhook`;
    const captured = { raw: JSON.stringify({ sender: 'alice', text: 'pay the invoice', messageId: 'm-1' }), timestamp: Date.now() };
    expect((await replay(inbound, captured)).status).toBe(202);
    await receiver.waitFor(1, 15_000);
    expect(fake.requests).toHaveLength(1);

    await first.stop('SIGTERM');
    const second = await start('a'); // same name: same state dir
    const again = `${second.httpUrl}/channels/webhook`;
    expect(await replay(again, captured)).toEqual({ status: 200, body: { ok: true, status: 'duplicate' } });
    // Re-signed with a new timestamp (a new request), but the platform message id was seen.
    expect(await postMessage(again, { sender: 'alice', text: 'pay the invoice', messageId: 'm-1' })).toEqual({ status: 200, body: { ok: true, status: 'duplicate' } });
    // A genuinely new message still runs.
    expect((await postMessage(again, { sender: 'alice', text: 'and the next one', messageId: 'm-2' })).status).toBe(202);
    await receiver.waitFor(2, 15_000);
    expect(fake.requests).toHaveLength(2);
    expect(receiver.callbacks.map((c) => c.text)).toEqual(['echo: pay the invoice', 'echo: and the next one']);
  });

  it('with cluster-redis, the same signed request sent to two instances runs once and gets one reply', async () => {
    const keyPrefix = redisPrefix();
    const { fake, receiver, start } = await setup({ redis: { url: REDIS_URL, keyPrefix }, plugins: ['cluster-redis'] });
    const a = await start('a');
    const b = await start('b');
    // No message id: only the replay memory (the signature) can tell the two deliveries apart.
    const captured = { raw: JSON.stringify({ sender: 'bob', text: 'transfer once' }), timestamp: Date.now() };
    const answers = await Promise.all([replay(`${a.httpUrl}/channels/webhook`, captured), replay(`${b.httpUrl}/channels/webhook`, captured)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 202]);
    expect(answers.find((answer) => answer.status === 200)!.body).toEqual({ ok: true, status: 'duplicate' });
    await receiver.waitFor(1, 15_000);
    // And again later, to either instance: still a duplicate.
    expect((await replay(`${b.httpUrl}/channels/webhook`, captured)).status).toBe(200);
    expect((await replay(`${a.httpUrl}/channels/webhook`, captured)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.requests).toHaveLength(1);
    expect(receiver.callbacks).toHaveLength(1);
  });
});
