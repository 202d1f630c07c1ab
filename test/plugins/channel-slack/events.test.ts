/** Slack over the HTTP Events API: signed requests to the gateway route, replies through the Web API. */
import { describe, expect, it } from 'vitest';
import { signSlack } from '../../helpers/fake-slack.ts';
import { ALICE, GENERAL, SIGNING_SECRET, startSlack, until } from './harness.ts';

const events = { mode: 'events', signingSecret: SIGNING_SECRET, appToken: undefined };

describe('channel-slack: events mode', () => {
  it('answers the url_verification challenge and takes signed events; a DM from an allowed user is answered', async () => {
    const h = await startSlack({ ...events, dmPolicy: 'allowlist', allowFrom: [ALICE] });
    const challenge = await h.slack.postEvent(h.eventsUrl, SIGNING_SECRET, { token: 'x', challenge: 'abc123', type: 'url_verification' });
    expect(challenge).toMatchObject({ status: 200, body: { challenge: 'abc123' } });
    const ts = '1700000100.000100';
    const answer = await h.slack.postEvent(h.eventsUrl, SIGNING_SECRET, h.slack.callback({ type: 'message', channel: 'D0ALICE001', user: ALICE, text: 'hello over http', ts, channel_type: 'im' }));
    expect(answer.status).toBe(200);
    const [reply] = await h.slack.waitForPosted(1);
    expect(reply).toMatchObject({ channel: 'D0ALICE001', text: 'echo: hello over http' });
    // No Socket Mode in events mode.
    expect(h.slack.calls.some((c) => c.method === 'apps.connections.open')).toBe(false);
  });

  it('refuses a bad signature, a stale timestamp and a replay; 413 over maxBodyBytes', async () => {
    const h = await startSlack({ ...events, groupPolicy: 'open', maxBodyBytes: 4096 });
    const body = h.slack.callback({ type: 'app_mention', channel: GENERAL, user: ALICE, text: `<@${h.slack.bot.userId}> hi`, ts: '1700000200.000100' });
    const forged = await h.slack.postEvent(h.eventsUrl, 'not-the-secret', body);
    expect(forged.status).toBe(401);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 360;
    const stale = await h.slack.postEvent(h.eventsUrl, SIGNING_SECRET, body, { timestamp: sixMinutesAgo, signature: signSlack(SIGNING_SECRET, sixMinutesAgo, JSON.stringify(body)) });
    expect(stale.status).toBe(401);
    const missing = await fetch(h.eventsUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(missing.status).toBe(401);
    expect(h.fake.requests).toHaveLength(0);

    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signSlack(SIGNING_SECRET, timestamp, JSON.stringify(body));
    expect((await h.slack.postEvent(h.eventsUrl, SIGNING_SECRET, body, { timestamp, signature })).status).toBe(200);
    // The same signed request again (upper-case hex too): answered 200, not processed again.
    const replay = await h.slack.postEvent(h.eventsUrl, SIGNING_SECRET, body, { timestamp, signature: `v0=${signature.slice(3).toUpperCase()}` });
    expect(replay).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    // Slack's own retry of the event (new timestamp, new signature): dropped by message id.
    expect((await h.slack.postEvent(h.eventsUrl, SIGNING_SECRET, body)).status).toBe(200);
    await h.slack.waitForPosted(1);
    await until(() => h.status().outbound.sent === 1, 'the reply to be counted');
    expect(h.fake.requests).toHaveLength(1);

    const big = h.slack.callback({ type: 'message', channel: GENERAL, user: ALICE, text: 'x'.repeat(5000), ts: '1700000300.000100' });
    expect((await h.slack.postEvent(h.eventsUrl, SIGNING_SECRET, big)).status).toBe(413);
    // After all of that, neither secret is in the log (debug level included) or the status.
    const seen = JSON.stringify([h.kernel.logs, h.channels.status(), h.alerts]);
    expect(seen).not.toContain(SIGNING_SECRET);
    expect(seen).not.toContain(h.slack.botToken);
  });

  it('needs signingSecret in events mode (config error naming it)', async () => {
    await expect(startSlack({ mode: 'events', appToken: undefined })).rejects.toThrow(/channels\.slack.*signingSecret/s);
  });
});
