/** Slack over Socket Mode end to end: fake Slack (Web API + WebSocket), real channels service, fake model provider. */
import { describe, expect, it } from 'vitest';
import { ALICE, BOB, GENERAL, startSlack, until } from './harness.ts';
import { agentServiceRef } from '../../../sdk/agent/index.ts';

const codeIn = (text: string) => /pairing code is ([A-Z0-9]{8})/.exec(text)?.[1];

describe('channel-slack: socket mode', () => {
  it('an unknown user gets a pairing code in their DM; after approval the next DM gets the agent reply', async () => {
    const h = await startSlack();
    h.slack.dm(ALICE, 'hi there');
    const [codeMessage] = await h.slack.waitForPosted(1);
    expect(codeMessage!.channel).toBe(`D${ALICE.slice(1)}`);
    const code = codeIn(codeMessage!.text);
    expect(code).toBeDefined();
    expect(codeMessage!.text).toContain(`moltbot pairing approve slack ${code}`);
    expect(h.fake.requests).toHaveLength(0);
    // The name comes from users.info.
    expect(h.channels.pairing.list('slack')).toEqual([expect.objectContaining({ sender: ALICE, senderName: 'Alice', code })]);

    const admin = await h.client();
    expect(await admin.request('pairing.approve', { channel: 'slack', code })).toMatchObject({ ok: true, payload: { sender: ALICE } });
    const [, approved] = await h.slack.waitForPosted(2);
    expect(approved!.text).toMatch(/approved/);

    h.fake.script({ text: 'Hi **Alice**, see [the docs](https://example.com/a?b=1&c=2) & <!channel>' });
    h.slack.dm(ALICE, 'what is up');
    const [, , reply] = await h.slack.waitForPosted(3);
    // Markdown became mrkdwn; `<`, `>` and `&` the model wrote are escaped (no @channel ping).
    expect(reply).toMatchObject({ channel: `D${ALICE.slice(1)}`, text: 'Hi *Alice*, see <https://example.com/a?b=1&amp;c=2|the docs> &amp; &lt;!channel&gt;' });
    expect(reply!.threadTs).toBeUndefined();
    expect(reply!.unfurlLinks).toBe('false');
    expect((await h.kernel.use(agentServiceRef).history('agent:main:slack:dm:U0ALICE001')).map((m) => m.content)).toEqual(['what is up', expect.stringContaining('Hi **Alice**')]);
    // Every envelope was acknowledged.
    await until(() => h.slack.acks.length === h.slack.delivered.length, 'every envelope to be acknowledged');
    expect(h.status()).toMatchObject({ state: 'connected', inbound: { accepted: 1, pairing: 1, dropped: 0 } });
  });

  it('allowlist answers allowFrom (slack: prefix, any case) and drops everyone else; the bot\'s own messages are ignored', async () => {
    const h = await startSlack({ dmPolicy: 'allowlist', allowFrom: ['slack:u0alice001'] });
    h.slack.dm(BOB, 'let me in');
    h.slack.dm(ALICE, 'hello');
    // Its own reply echoed back by Slack, another bot, an edit: none reaches the agent.
    h.slack.pushEvent({ type: 'message', channel: `D${ALICE.slice(1)}`, user: h.slack.bot.userId, bot_id: h.slack.bot.botId, text: 'echo', ts: '1700000000.999999', channel_type: 'im' });
    h.slack.pushEvent({ type: 'message', subtype: 'bot_message', channel: `D${ALICE.slice(1)}`, bot_id: 'B0OTHER', text: 'beep', ts: '1700000000.999998', channel_type: 'im' });
    h.slack.pushEvent({ type: 'message', subtype: 'message_changed', channel: `D${ALICE.slice(1)}`, message: { text: 'edited' }, ts: '1700000000.999997', channel_type: 'im' });
    const [reply] = await h.slack.waitForPosted(1);
    expect(reply).toMatchObject({ channel: `D${ALICE.slice(1)}`, text: 'echo: hello' });
    await until(() => h.slack.acks.length === 5, 'all five envelopes acknowledged');
    expect(h.status().inbound).toEqual({ accepted: 1, dropped: 1, pairing: 0 });
    expect(h.fake.requests).toHaveLength(1);
    expect(h.slack.posted).toHaveLength(1);
  });

  it('in an allowed channel only a mention is answered, in a thread; a follow-up in that thread needs no mention', async () => {
    const h = await startSlack({ groupPolicy: 'allowlist', groupAllowFrom: [GENERAL] });
    h.slack.channelMessage(ALICE, GENERAL, 'talking among ourselves');
    h.slack.channelMessage(ALICE, 'C0OTHER001', 'wrong channel', { mention: true });
    const asked = h.slack.channelMessage(ALICE, GENERAL, 'what is 2+2?', { mention: true });
    const [reply] = await h.slack.waitForPosted(1);
    const askedTs = (asked.payload.event as { ts: string }).ts;
    // The message and its app_mention twin are one message (same ts): answered once, in a thread.
    expect(reply).toMatchObject({ channel: GENERAL, text: 'echo: Alice: what is 2+2?', threadTs: askedTs });
    expect(h.fake.requests).toHaveLength(1);

    h.slack.channelMessage(BOB, GENERAL, 'and 3+3?', { thread_ts: askedTs, parent_user_id: ALICE });
    const [, second] = await h.slack.waitForPosted(2);
    expect(second).toMatchObject({ channel: GENERAL, threadTs: askedTs, text: 'echo: Bob Stone: and 3+3?' });
    await until(() => h.slack.acks.length === h.slack.delivered.length, 'every envelope acknowledged');
    // One session for the channel; the unmentioned message and the other channel were dropped.
    expect(await h.kernel.use(agentServiceRef).history(`agent:main:slack:group:${GENERAL}`)).toHaveLength(4);
    expect(h.status().inbound).toMatchObject({ accepted: 2 });
    expect(h.slack.posted).toHaveLength(2);
  });

  it('a long reply arrives as messages of at most 4000 characters, in order, in the same thread', async () => {
    const h = await startSlack({ groupPolicy: 'open' });
    const paragraphs = Array.from({ length: 24 }, (_, i) => `Paragraph **${i}**: ${'lorem ipsum dolor sit amet '.repeat(20).trim()} & more.`);
    const long = paragraphs.join('\n\n');
    expect(long.length).toBeGreaterThan(3 * 4000);
    h.fake.script({ text: long });
    const asked = h.slack.channelMessage(ALICE, GENERAL, 'tell me a lot', { mention: true });
    await until(() => h.status().queue.pending === 0 && h.status().outbound.sent >= 4 && h.status().outbound.sent === h.slack.posted.length, 'every chunk to be sent');
    const posted = h.slack.posted;
    expect(posted.length).toBeGreaterThanOrEqual(4);
    for (const message of posted) {
      expect(message.text.length).toBeLessThanOrEqual(4000);
      expect(message.threadTs).toBe((asked.payload.event as { ts: string }).ts);
    }
    const expected = paragraphs.map((p) => p.replace(/\*\*(\d+)\*\*/, '*$1*').replace('&', '&amp;')).join(' ');
    expect(posted.map((m) => m.text).join(' ').replace(/\s+/g, ' ')).toBe(expected.replace(/\s+/g, ' '));
  });

  it('a dropped connection reconnects; an event not acknowledged before the drop is delivered again and answered once', async () => {
    // A reconnect delay the state poll cannot miss (at the harness's 20 ms the degraded window
    // was 50-70 ms, which a loaded machine sometimes polled past).
    const h = await startSlack({ dmPolicy: 'allowlist', allowFrom: [ALICE], reconnectBaseMs: 500, reconnectMaxMs: 1000 });
    expect(h.slack.connections).toBe(1);
    h.slack.drop();
    await h.waitForState('degraded');
    expect(h.status().lastError?.message).toMatch(/Socket Mode: connection dropped/);
    // Sent while no socket is open: Slack keeps it for the next connection.
    h.slack.dm(ALICE, 'are you there?');
    await h.waitForState('connected');
    const [reply] = await h.slack.waitForPosted(1);
    expect(reply!.text).toBe('echo: are you there?');
    expect(h.slack.connections).toBe(2);

    // Slack asks for a fresh connection (refresh): reconnects at once, nothing lost.
    h.slack.refresh('refresh_requested');
    await h.slack.waitForConnections(3);
    h.slack.dm(ALICE, 'still there?');
    const [, again] = await h.slack.waitForPosted(2);
    expect(again!.text).toBe('echo: still there?');
    expect(h.kernel.logs.some((l) => /slack asked for a new socket mode connection/.test(l.msg ?? '') && (l as { reason?: string }).reason === 'refresh_requested')).toBe(true);

    // An acknowledgement lost on the way: Slack delivers the envelope again (retry_attempt 1)
    // on the next connection, and it is answered once.
    h.slack.loseAcks(1);
    const envelope = h.slack.dm(ALICE, 'once only');
    await h.slack.waitForPosted(3);
    const connections = h.slack.connections;
    h.slack.drop();
    await h.slack.waitForConnections(connections + 1);
    await until(() => h.slack.acks.includes(envelope.envelope_id), 'the redelivered envelope to be acknowledged');
    expect(h.slack.delivered.filter((e) => e.envelope_id === envelope.envelope_id).map((e) => e.retry_attempt)).toEqual([0, 1]);
    await until(() => h.status().state === 'connected', 'connected again');
    expect(h.slack.posted.map((m) => m.text)).toEqual(['echo: are you there?', 'echo: still there?', 'echo: once only']);
    expect(h.status().inbound).toMatchObject({ accepted: 3 });
  });

  it('429 with Retry-After: the reply is posted once, after the wait', async () => {
    const h = await startSlack({ dmPolicy: 'allowlist', allowFrom: [ALICE] });
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    h.slack.dm(ALICE, 'hello');
    const [reply] = await h.slack.waitForPosted(1);
    expect(reply!.text).toBe('echo: hello');
    const attempts = h.slack.calls.filter((c) => c.method === 'chat.postMessage');
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(990);
    await until(() => h.status().outbound.sent === 1, 'the service to count the send');
    expect(h.status()).toMatchObject({ outbound: { sent: 1, failed: 0, retried: 1 } });
    expect(h.slack.posted).toHaveLength(1);
  });
});
