/** Matrix end to end: fake homeserver, real channels service, fake model provider. */
import { describe, expect, it } from 'vitest';
import { ALICE, BOB, CAROL, startMatrix, until } from './harness.ts';
import { agentServiceRef } from '../../../sdk/agent/index.ts';

const codeIn = (text: string) => /pairing code is ([A-Z0-9]{8})/.exec(text)?.[1];
const body = (content: Record<string, unknown>) => content['body'] as string;

describe('channel-matrix', () => {
  it('an unknown user\'s direct invite is joined, they get a pairing code; after approval their next message gets the agent reply', async () => {
    const h = await startMatrix();
    const dm = h.mx.invite(ALICE, { direct: true });
    await until(() => h.mx.joined(dm), 'the bot to join the direct invite');
    h.mx.message(dm, ALICE, 'hello bot');
    const [codeMessage] = await h.mx.waitForSent(1);
    expect(codeMessage!.roomId).toBe(dm);
    const code = codeIn(body(codeMessage!.content));
    expect(code).toBeDefined();
    expect(h.fake.requests).toHaveLength(0);
    expect(h.channels.pairing.list('matrix')).toEqual([expect.objectContaining({ sender: ALICE, code })]);

    const admin = await h.client();
    expect(await admin.request('pairing.approve', { channel: 'matrix', code })).toMatchObject({ ok: true, payload: { sender: ALICE } });
    const [, approved] = await h.mx.waitForSent(2);
    expect(body(approved!.content)).toMatch(/approved/);

    h.fake.script({ text: 'Hi **Alice**, how can I help?' });
    const asked = h.mx.message(dm, ALICE, 'what is up');
    const [, , answer] = await h.mx.waitForSent(3);
    expect(answer).toMatchObject({ roomId: dm });
    expect(answer!.content).toEqual({
      msgtype: 'm.text',
      body: 'Hi **Alice**, how can I help?',
      format: 'org.matrix.custom.html',
      formatted_body: '<p>Hi <strong>Alice</strong>, how can I help?</p>',
      'm.mentions': {},
      'm.relates_to': { 'm.in_reply_to': { event_id: asked.event_id } },
    });
    expect(h.mx.typing).toContainEqual({ roomId: dm, userId: h.mx.userId, timeout: 5000 });
    expect((await h.kernel.use(agentServiceRef).history(`agent:main:matrix:dm:${ALICE}`)).map((m) => m.content)).toEqual(['what is up', 'Hi **Alice**, how can I help?']);
    // Long polls from the last next_batch; the token only in the Authorization header.
    const syncs = h.mx.calls.filter((c) => c.endpoint === 'sync');
    expect(syncs.at(-1)!.query).toMatchObject({ timeout: '5000', since: expect.stringMatching(/^s\d+$/) });
    expect(h.mx.calls.every((c) => c.authorization === `Bearer ${h.mx.token}` && !c.path.includes(h.mx.token) && c.query['access_token'] === undefined)).toBe(true);

    // Once approved, Alice's invite to a (non-direct) room is joined; a stranger's is not.
    const strangers = h.mx.invite(BOB, { members: [CAROL] });
    const team = h.mx.invite(ALICE, { members: [BOB] });
    await until(() => h.mx.joined(team), 'the approved sender\'s room invite to be joined');
    expect(h.mx.joined(strangers)).toBe(false);
  });

  it('allowlist: an allowFrom user\'s DM is answered, another user\'s invite is not joined and their DM room is dropped', async () => {
    const h = await startMatrix({ settings: { dmPolicy: 'allowlist', allowFrom: [ALICE] } });
    const aliceDm = h.mx.invite(ALICE, { direct: true });
    const bobDm = h.mx.invite(BOB, { direct: true });
    await until(() => h.mx.joined(aliceDm), 'the bot to join alice\'s invite');
    h.mx.message(aliceDm, ALICE, 'hello');
    const [reply] = await h.mx.waitForSent(1);
    expect(reply).toMatchObject({ roomId: aliceDm, content: expect.objectContaining({ body: 'echo: hello' }) });
    await until(() => h.kernel.logs.some((l) => l.msg === 'matrix invite not joined'), 'the refused invite to be logged');
    expect(h.mx.joined(bobDm)).toBe(false);
    expect(h.kernel.logs.find((l) => l.msg === 'matrix invite not joined')).toMatchObject({ roomId: bobDm, inviter: BOB, reason: 'inviter not allowed' });

    // A two-member room without m.direct is a DM too: Alice needs no mention there, Bob is dropped.
    const plainAlice = h.mx.room([ALICE]);
    h.mx.message(plainAlice, ALICE, 'no mention here');
    const [, second] = await h.mx.waitForSent(2);
    expect(second).toMatchObject({ roomId: plainAlice, content: expect.objectContaining({ body: 'echo: no mention here' }) });
    const shared = h.mx.room([BOB]);
    h.mx.message(shared, BOB, 'let me in');
    await until(() => h.status().inbound.dropped === 1, 'bob to be dropped');
    expect(h.status().inbound).toEqual({ accepted: 2, dropped: 1, pairing: 0 });
    expect(h.mx.sent.filter((s) => s.roomId === shared || s.roomId === bobDm)).toEqual([]);
  });

  it('in an allowed room only messages that mention the bot (user id, display name or m.mentions) are answered, in the room', async () => {
    const room = '!team:fake.local';
    const h = await startMatrix({ settings: { groupPolicy: 'allowlist', groupAllowFrom: [room] } });
    h.mx.invite(ALICE, { id: room, members: [BOB, CAROL] });
    await until(() => h.mx.joined(room), 'the bot to join the listed room');
    h.mx.message(room, ALICE, 'talking among ourselves');
    const byName = h.mx.message(room, ALICE, 'Molt: what is 2+2?');
    await h.mx.waitForSent(1);
    h.mx.message(room, BOB, 'hey', { 'm.mentions': { user_ids: [h.mx.userId] } });
    await h.mx.waitForSent(2);
    h.mx.message(room, CAROL, `ping ${h.mx.userId} please`);
    const sent = await h.mx.waitForSent(3);
    expect(sent.map((s) => body(s.content))).toEqual(['echo: alice: what is 2+2?', 'echo: bob: hey', `echo: carol: ping ${h.mx.userId} please`]);
    expect(sent[0]!.content['m.relates_to']).toEqual({ 'm.in_reply_to': { event_id: byName.event_id } });
    expect(sent.every((s) => s.roomId === room)).toBe(true);
    expect(h.status().inbound).toEqual({ accepted: 3, dropped: 1, pairing: 0 });
    expect(await h.kernel.use(agentServiceRef).history(`agent:main:matrix:group:${room}`)).toHaveLength(6);
  });

  it('an allowed user\'s invite to a room not in groupAllowFrom is joined, but messages there are dropped by groupPolicy', async () => {
    const h = await startMatrix({ settings: { dmPolicy: 'allowlist', allowFrom: [ALICE], groupPolicy: 'allowlist', groupAllowFrom: [] } });
    const room = h.mx.invite(ALICE, { members: [BOB] });
    await until(() => h.mx.joined(room), 'an allowed inviter\'s room to be joined');
    h.mx.message(room, ALICE, 'Molt: hi');
    await until(() => h.status().inbound.dropped === 1, 'the unlisted room\'s message to be dropped');
    expect(h.mx.sent).toEqual([]);
  });

  it('a long reply is chunked under the 16,000-character limit, each chunk with body and escaped HTML', async () => {
    const h = await startMatrix({ settings: { dmPolicy: 'allowlist', allowFrom: [ALICE] } });
    const dm = h.mx.room([ALICE], { direct: true });
    const paragraph = `${'word '.repeat(1999)}<b>end</b>`;
    const long = Array.from({ length: 4 }, () => paragraph).join('\n\n');
    h.fake.script({ text: long });
    h.mx.message(dm, ALICE, 'tell me everything');
    // Two paragraphs (2 × ~10,000) do not fit in 16,000: one message per paragraph.
    const sent = await h.mx.waitForSent(4);
    await until(() => h.status().outbound.sent === 4, 'the chunks to be counted');
    expect(sent).toHaveLength(4);
    for (const s of sent) {
      expect(body(s.content).length).toBeLessThanOrEqual(16_000);
      expect(s.content['formatted_body']).not.toContain('<b>');
      expect(s.content['formatted_body']).toContain('&lt;b&gt;end&lt;/b&gt;');
    }
    expect(sent.map((s) => body(s.content).trim()).join('\n\n')).toBe(long);
    // Only the first chunk quotes the question.
    expect(sent.filter((s) => s.content['m.relates_to'] !== undefined)).toHaveLength(1);
  });

  it('encrypted messages are not read: one note to the room, a warning in the log and in doctor', async () => {
    const h = await startMatrix({ settings: { dmPolicy: 'allowlist', allowFrom: [ALICE] } });
    const dm = h.mx.room([ALICE], { direct: true, encrypted: true });
    h.mx.encrypted(dm, ALICE);
    h.mx.encrypted(dm, ALICE);
    const [note] = await h.mx.waitForSent(1);
    expect(note).toMatchObject({ roomId: dm, content: expect.objectContaining({ msgtype: 'm.notice', body: expect.stringMatching(/end-to-end encrypted/) }) });
    h.mx.message(dm, ALICE, 'plain text works');
    const [, reply] = await h.mx.waitForSent(2);
    expect(body(reply!.content)).toBe('echo: plain text works');
    expect(h.mx.sent).toHaveLength(2);
    expect(h.fake.requests).toHaveLength(1);
    expect(h.kernel.logs.filter((l) => /end-to-end encrypted/.test(l.msg ?? ''))).toHaveLength(1);
    const checks: { id: string }[] = [];
    await h.kernel.hooks.diagnose.promise({ add: (check) => void checks.push(check) });
    expect(checks.find((c) => c.id === 'channels.matrix.e2ee')).toMatchObject({ severity: 'warning', description: expect.stringContaining(dm) });
  });
});
