/** Delivery to the test channel and to a webhook on 127.0.0.1; the heartbeat; failure alerts and metrics. */
import { createServer, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import type { Alert } from '../../../core/hook-types.ts';
import { HEARTBEAT_OK, isHeartbeatOk } from '../../../plugins/cron/index.ts';
import { createFakeChannel } from '../../helpers/fake-channel.ts';
import { startCron, useFakeClock } from './harness.ts';

const T0 = '2026-01-05T10:00:00.000Z';
const MINUTE = 60_000;

interface Hit { body: any; headers: IncomingMessage['headers'] }

/** A local webhook receiver answering the given statuses in order (then 200). */
async function webhookServer(statuses: number[] = []) {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), headers: req.headers });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { onTestFinished } = await import('vitest');
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { hits, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook/secret-path-token` };
}

describe('cron delivery', () => {
  it('delivers the reply to the test channel chat', async () => {
    useFakeClock(T0);
    const h = await startCron({ cron: { jobs: [{ id: 'news', every: '10m', message: 'what is new?', deliver: { channel: 'telegram', chatType: 'group', chatId: '-100' } }] } });
    await h.advance(10 * MINUTE);
    expect(h.channel.sent).toEqual([{ channel: 'telegram', target: { chatType: 'group', chatId: '-100' }, text: 'echo: what is new?' }]);
  });

  it('POSTs the reply as JSON to a webhook', async () => {
    useFakeClock(T0);
    const hook = await webhookServer();
    const h = await startCron({ cron: { jobs: [{ id: 'report', every: '10m', message: 'report', deliver: { webhook: hook.url } }] } });
    await h.advance(10 * MINUTE);
    expect(hook.hits).toHaveLength(1);
    expect(hook.hits[0]!.headers['content-type']).toBe('application/json');
    expect(hook.hits[0]!.body).toMatchObject({ jobId: 'report', slot: '2026-01-05T10:10:00.000Z', sessionKey: 'agent:main:main', text: 'echo: report' });
    expect(hook.hits[0]!.body.runId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('retries a webhook on 5xx, fails at once on 4xx, and never logs the URL path', async () => {
    const hook = await webhookServer([503, 502, 200, 404]);
    const h = await startCron({ options: { webhook: { retries: 3, retryDelayMs: 1, timeoutMs: 2000 } } });
    await h.cron.add({ id: 'hooked', every: '1h', message: 'x', deliver: { webhook: hook.url } });
    await h.cron.run('hooked');
    expect(hook.hits).toHaveLength(3);
    expect(h.cron.get('hooked')!.state).toMatchObject({ lastStatus: 'ok', failures: 0 });
    await h.cron.run('hooked');
    expect(hook.hits).toHaveLength(4);
    const state = h.cron.get('hooked')!.state;
    expect(state).toMatchObject({ lastStatus: 'error', failures: 1 });
    expect(state.lastError).toMatch(/^webhook http:\/\/127\.0\.0\.1:\d+ failed: HTTP 404$/);
    expect(JSON.stringify(h.kernel.logs)).not.toContain('secret-path-token');
  });

  it('a failing delivery counts as a failed run; N failures in a row fire one alert, a success resolves it', async () => {
    const alerts: Alert[] = [];
    const sink = definePlugin({ name: 'test-sink', version: '1.0.0', setup(ctx) { ctx.hooks.alert.tapPromise('test-sink', async (a) => { alerts.push(a); }); } });
    const h = await startCron({ extra: [sink], options: { alertAfterFailures: 2 } });
    await h.cron.add({ id: 'flaky', every: '1h', message: 'x', deliver: { channel: 'test', chatType: 'dm', chatId: 'me' } });
    h.channel.fail = new Error('chat not found');
    for (let i = 0; i < 3; i++) await h.cron.run('flaky');
    expect(h.cron.get('flaky')!.state).toMatchObject({ failures: 3, lastStatus: 'error', lastError: 'delivery to channel "test" failed: chat not found' });
    expect(alerts.map((a) => [a.id, a.state])).toEqual([['cron.job-failing.flaky', 'firing']]);
    h.channel.fail = undefined;
    await h.cron.run('flaky');
    expect(alerts.map((a) => [a.id, a.state])).toEqual([['cron.job-failing.flaky', 'firing'], ['cron.job-failing.flaky', 'resolved']]);

    const figures: [string, number, Record<string, string> | undefined][] = [];
    await h.kernel.hooks.collectMetrics.promise({ set: (name, value, labels) => figures.push([name, value, labels]) });
    expect(figures).toContainEqual(['runs_total', 4, undefined]);
    expect(figures).toContainEqual(['failures_total', 3, undefined]);
    expect(figures).toContainEqual(['job_consecutive_failures', 0, { job: 'flaky' }]);
  });

  it('delivers through the real channels service to a fake channel adapter', async () => {
    const fakeChannel = createFakeChannel({ id: 'fake', maxMessageLength: 20 });
    const h = await startCron({ withChannel: false, extra: ['channels', fakeChannel.plugin], config: { channels: { fake: {} } } });
    h.fake.script({ text: 'Your daily summary: all systems fine.' });
    await h.cron.add({ id: 'summary', every: '1d', message: 'summarise', deliver: { channel: 'fake', chatType: 'dm', chatId: 'owner' } });
    await h.cron.run('summary');
    const chunks = await fakeChannel.waitForSent(2);
    expect(chunks.map((c) => c.text).join(' ')).toBe('Your daily summary: all systems fine.');
    expect(chunks.every((c) => c.target.chatId === 'owner' && c.target.chatType === 'dm')).toBe(true);
    expect(h.cron.get('summary')!.state.lastStatus).toBe('ok');
  });

  it('without a channels plugin a channel delivery fails with the fix in the error', async () => {
    const h = await startCron({ withChannel: false });
    await h.cron.add({ id: 'nochan', every: '1h', message: 'x', deliver: { channel: 'irc', chatType: 'group', chatId: '#x' } });
    await h.cron.run('nochan');
    expect(h.cron.get('nochan')!.state).toMatchObject({ lastStatus: 'error', lastError: 'delivery to channel "irc" needs the channels service (add the channels plugin)' });
  });
});

describe('cron heartbeat', () => {
  it('stays silent on HEARTBEAT_OK and delivers anything else', async () => {
    useFakeClock(T0);
    const h = await startCron({ cron: { heartbeat: { enabled: true, everyMinutes: 15, deliver: { channel: 'telegram', chatType: 'dm', chatId: 'owner' } } } });
    h.fake.script({ text: HEARTBEAT_OK }, { text: 'Reminder: the dentist is at 11:00.' }, { text: '**HEARTBEAT_OK**' });
    await h.advance(15 * MINUTE);
    expect(h.fake.requests).toHaveLength(1);
    expect(h.prompts()[0]).toContain(HEARTBEAT_OK);
    expect(h.channel.sent).toEqual([]);
    await h.advance(15 * MINUTE);
    expect(h.channel.sent).toEqual([{ channel: 'telegram', target: { chatType: 'dm', chatId: 'owner' }, text: 'Reminder: the dentist is at 11:00.' }]);
    await h.advance(15 * MINUTE);
    expect(h.channel.sent).toHaveLength(1);
    expect(h.cron.get('heartbeat')).toMatchObject({ source: 'heartbeat', state: { runCount: 3, lastStatus: 'ok' } });
  });

  it('is off by default', async () => {
    const h = await startCron();
    expect(h.cron.list()).toEqual([]);
  });

  it.each([
    [HEARTBEAT_OK, true], [`  ${HEARTBEAT_OK}\n`, true], [`\`${HEARTBEAT_OK}\`.`, true],
    [`${HEARTBEAT_OK} but the build failed`, false], ['All fine', false], ['heartbeat_ok', false],
  ])('isHeartbeatOk(%j) is %s', (reply, expected) => {
    expect(isHeartbeatOk(reply)).toBe(expected);
  });
});
