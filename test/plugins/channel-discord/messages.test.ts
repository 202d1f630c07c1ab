/** Discord end to end: fake Discord API (REST + Gateway), real channels service, fake model provider. */
import { tinyPng } from '../../helpers/media-fixtures.ts';
import { describe, expect, it } from 'vitest';
import { ALICE, BOB, GENERAL, THREAD, startDiscord, until } from './harness.ts';
import { agentServiceRef } from '../../../sdk/agent/index.ts';

const codeIn = (text: string) => /pairing code is ([A-Z0-9]{8})/.exec(text)?.[1];

describe('channel-discord: messages', () => {
  it('identifies with the intents it needs; an unknown user gets a pairing code in DM, and after approval the agent answers', async () => {
    const h = await startDiscord();
    const [identify] = await h.dc.waitForFrames(2, 1);
    // GUILDS | GUILD_MESSAGES | DIRECT_MESSAGES | MESSAGE_CONTENT
    expect(identify!.d).toMatchObject({ token: h.dc.token, intents: 1 | 512 | 4096 | 32768, properties: { browser: 'moltbot' } });

    h.dc.message(ALICE, 'hello?');
    const [codeMessage] = await h.dc.waitForSent(1);
    expect(codeMessage!.channelId).toBe(h.dc.dmChannelOf(ALICE.id));
    const code = codeIn(codeMessage!.content);
    expect(code).toBeDefined();
    expect(codeMessage!.content).toContain(`moltbot pairing approve discord ${code}`);
    expect(h.fake.requests).toHaveLength(0);
    expect(h.channels.pairing.list('discord')).toEqual([expect.objectContaining({ sender: ALICE.id, senderName: 'Alice', code })]);

    const admin = await h.client();
    expect(await admin.request('pairing.approve', { channel: 'discord', code })).toMatchObject({ ok: true, payload: { sender: ALICE.id } });
    const [, approved] = await h.dc.waitForSent(2);
    expect(approved!.content).toMatch(/approved/);

    h.fake.script({ text: 'Hi Alice, how can I help?' });
    const question = h.dc.message(ALICE, 'what is up');
    const [, , reply] = await h.dc.waitForSent(3);
    expect(reply).toMatchObject({ channelId: h.dc.dmChannelOf(ALICE.id), content: 'Hi Alice, how can I help?', replyTo: question['id'] });
    // Model output never pings anyone.
    expect(reply!.allowedMentions).toEqual({ parse: [], replied_user: false });
    expect(h.dc.typing).toContain(h.dc.dmChannelOf(ALICE.id));
    expect((await h.kernel.use(agentServiceRef).history(`agent:main:discord:dm:${ALICE.id}`)).map((m) => m.content)).toEqual(['what is up', 'Hi Alice, how can I help?']);
    await until(() => h.status().outbound.sent === 3, 'the service to count the sends');
    expect(h.status()).toMatchObject({ state: 'connected', inbound: { accepted: 1, pairing: 1, dropped: 0 } });
  });

  it('allowlist answers allowFrom (<@id> and discord: forms accepted) and drops everyone else; bots are never answered', async () => {
    const h = await startDiscord({ settings: { dmPolicy: 'allowlist', allowFrom: [`<@${ALICE.id}>`, 'bob#1234'] } });
    expect(h.kernel.logs.find((l) => /take numeric Discord ids/.test(l.msg ?? ''))).toMatchObject({ entries: ['bob#1234'] });
    h.dc.message(BOB, 'let me in');
    h.dc.message({ id: '400000000000000099', username: 'otherbot' }, 'beep', { bot: true });
    h.dc.message(ALICE, 'hello');
    const [reply] = await h.dc.waitForSent(1);
    expect(reply).toMatchObject({ channelId: h.dc.dmChannelOf(ALICE.id), content: 'echo: hello' });
    await until(() => h.status().inbound.dropped === 1, 'bob to be dropped');
    expect(h.status().inbound).toEqual({ accepted: 1, dropped: 1, pairing: 0 });
    expect(h.dc.sent.filter((m) => m.channelId === h.dc.dmChannelOf(BOB.id))).toEqual([]);
  });

  it('in an allowed guild channel only messages mentioning the bot (or replying to it) are answered, in that channel; a thread is its own chat', async () => {
    const h = await startDiscord({ settings: { groupPolicy: 'allowlist', groupAllowFrom: [GENERAL, THREAD] } });
    const bot = h.dc.bot;
    h.dc.message(ALICE, 'talking among ourselves', { channelId: GENERAL });
    h.dc.message(ALICE, 'not the bot: <@400000000000000043>', { channelId: GENERAL, mentions: [BOB] });
    const asked = h.dc.message(ALICE, `<@${bot.id}> what is 2+2?`, { channelId: GENERAL, mentions: [bot] });
    const [reply] = await h.dc.waitForSent(1);
    expect(reply).toMatchObject({ channelId: GENERAL, content: `echo: Alice: @${bot.username} what is 2+2?`, replyTo: asked['id'] });
    await until(() => h.status().inbound.dropped === 2, 'the unmentioned messages to be dropped');
    expect(h.fake.requests).toHaveLength(1);

    // A reply to one of the bot's messages counts as addressed; the answer stays in the thread.
    const followUp = h.dc.message(BOB, 'and 3+3?', { channelId: THREAD, replyToAuthor: bot });
    const [, threadReply] = await h.dc.waitForSent(2);
    expect(threadReply).toMatchObject({ channelId: THREAD, content: 'echo: Bob: and 3+3?', replyTo: followUp['id'] });
    expect(await h.kernel.use(agentServiceRef).history(`agent:main:discord:group:${THREAD}`)).toHaveLength(2);

    // A channel not in groupAllowFrom is ignored even with a mention.
    h.dc.message(ALICE, `<@${bot.id}> hi`, { channelId: '500000000000000999', mentions: [bot] });
    await until(() => h.status().inbound.dropped === 3, 'the message of an unlisted channel to be dropped');
    expect(h.dc.sent).toHaveLength(2);
  });

  it('a long reply arrives as several messages of at most 2000 characters, in order, only the first quoting the question', async () => {
    const h = await startDiscord({ settings: { dmPolicy: 'allowlist', allowFrom: [ALICE.id] } });
    const paragraphs = Array.from({ length: 20 }, (_, i) => `**Paragraph ${i}**: ${'lorem ipsum dolor sit amet '.repeat(12).trim()}.`);
    const long = paragraphs.join('\n\n');
    expect(long.length).toBeGreaterThan(3 * 2000);
    h.fake.script({ text: long });
    const question = h.dc.message(ALICE, 'tell me a lot');
    await h.dc.waitForSent(4);
    await until(() => h.status().queue.pending === 0 && h.status().outbound.sent === h.dc.sent.length, 'every chunk to be sent');
    const sent = h.dc.sent;
    for (const message of sent) expect(message.content.length).toBeLessThanOrEqual(2000);
    // Discord renders the model's Markdown as is: chunks break between paragraphs, so bold spans stay whole.
    for (const message of sent) expect((message.content.match(/\*\*/g) ?? []).length % 2).toBe(0);
    expect(sent.map((m) => m.content).join('\n\n')).toBe(long);
    expect(sent.map((m) => m.replyTo)).toEqual([question['id'], ...sent.slice(1).map(() => undefined)]);
  });

  it('a code block longer than one message is closed at the end of each chunk and reopened, with its language, in the next', async () => {
    const h = await startDiscord({ settings: { dmPolicy: 'allowlist', allowFrom: [ALICE.id] } });
    const code = Array.from({ length: 120 }, (_, i) => `const value${i} = compute(${i}); // line ${i} of the example`).join('\n');
    const long = `Here is the file:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nThat is all.`;
    expect(long.length).toBeGreaterThan(2 * 2000);
    h.fake.script({ text: long });
    h.dc.message(ALICE, 'show me the code');
    await h.dc.waitForSent(3);
    await until(() => h.status().queue.pending === 0 && h.status().outbound.sent === h.dc.sent.length, 'every chunk to be sent');
    const sent = h.dc.sent.map((m) => m.content);
    for (const content of sent) {
      expect(content.length).toBeLessThanOrEqual(2000);
      // Every chunk renders on its own: its fences pair up.
      expect((content.match(/^```/gm) ?? []).length % 2).toBe(0);
    }
    // Each chunk carrying code opens the block with its language (the original fence or a
    // reopened one) and every chunk but the last one closes it.
    const withCode = sent.filter((c) => c.includes('const value'));
    expect(withCode.length).toBeGreaterThanOrEqual(2);
    for (const content of withCode) expect(content).toMatch(/^(Here is the file:\n\n)?```ts\n/);
    for (const content of withCode.slice(0, -1)) expect(content).toMatch(/\n```$/);
    expect(sent.join('\n')).toMatch(/\n```\n+That is all\.$/);
    // Nothing of the code is lost or duplicated.
    const lines = sent.join('\n').split('\n').filter((l) => l.startsWith('const value'));
    expect(lines).toEqual(code.split('\n'));
  });

  it('an image attachment is downloaded from its CDN URL and reaches the model as an image part', async () => {
    const h = await startDiscord({ settings: { dmPolicy: 'allowlist', allowFrom: [ALICE.id] }, gateway: { images: true } });
    const png = tinyPng();
    h.dc.message(ALICE, 'what is it?', { attachments: [h.dc.addAttachment(png, { filename: 'cat.png', content_type: 'image/png' })] });
    await h.dc.waitForSent(1);
    expect(h.dc.cdnDownloads).toHaveLength(1);
    const user = [...h.fake.requests[0]!.body.messages].reverse().find((m: any) => m.role === 'user');
    expect(user.content).toContainEqual({ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } });
  });

  it('with media downloads off, attachments reach the agent as metadata lines', async () => {
    const h = await startDiscord({ settings: { dmPolicy: 'allowlist', allowFrom: [ALICE.id] }, gateway: { channelsOptions: { media: { enabled: false } } } });
    h.dc.message(ALICE, '', { attachments: [{ id: '1', filename: 'cat.png', content_type: 'image/png', size: 2048, url: 'https://cdn.discordapp.com/attachments/1/2/cat.png' }] });
    const [reply] = await h.dc.waitForSent(1);
    expect(reply!.content).toBe('echo: [attachment: cat.png (image/png, 2048 bytes)]');
  });

  it('channels.send to a user id opens the DM channel first (cron delivery to the owner)', async () => {
    const h = await startDiscord({ settings: { owners: [ALICE.id] } });
    await h.channels.send('discord', { chatType: 'dm', chatId: ALICE.id }, 'Backup finished.');
    expect(h.dc.calls.find((c) => c.path === '/api/v10/users/@me/channels')).toMatchObject({ method: 'POST', body: { recipient_id: ALICE.id } });
    expect(h.dc.sent).toEqual([expect.objectContaining({ channelId: h.dc.dmChannelOf(ALICE.id), content: 'Backup finished.' })]);
    expect(h.channels.isOwnerChat('discord', { chatType: 'dm', chatId: ALICE.id })).toBe(true);
  });
});
