/** The matrix channel's pure parts: Markdown → HTML, event classification, invite decisions, txn ids, error shapes. */
import { describe, expect, it, onTestFinished } from 'vitest';
import { MatrixApiError, MatrixClient } from '../../../plugins/channel-matrix/client.ts';
import { describeFailure, toSendError } from '../../../plugins/channel-matrix/errors.ts';
import { classifyEvent } from '../../../plugins/channel-matrix/inbound.ts';
import { decideInvite } from '../../../plugins/channel-matrix/invites.ts';
import { markdownToHtml } from '../../../plugins/channel-matrix/markdown.ts';
import { TxnIds } from '../../../plugins/channel-matrix/txn.ts';
import type { ChannelSettings } from '../../../sdk/channels/contract.ts';
import { FAKE_MATRIX_TOKEN, startFakeMatrix } from '../../helpers/fake-matrix.ts';

const bot = { userId: '@molt:fake.local', displayName: 'Molt' };
const msg = (content: Record<string, unknown>, sender = '@alice:fake.local') => ({ type: 'm.room.message', event_id: '$e1', sender, origin_server_ts: 5, content });
const names = () => 'Alice';

describe('channel-matrix: markdown', () => {
  it('escapes every HTML character and renders only Markdown', () => {
    expect(markdownToHtml('a <img src="https://evil.example/?d=secret"> & **b**')).toBe('<p>a &lt;img src=&quot;https://evil.example/?d=secret&quot;&gt; &amp; <strong>b</strong></p>');
    expect(markdownToHtml('# Title\n\n- one\n- *two*\n\n1. x\n2. `y<z>`\n\n> quoted\n\n[site](https://a.example/p?q=1) [bad](javascript:alert(1))'))
      .toBe('<h1>Title</h1><ul><li>one</li><li><em>two</em></li></ul><ol><li>x</li><li><code>y&lt;z&gt;</code></li></ol><blockquote>quoted</blockquote><p><a href="https://a.example/p?q=1">site</a> [bad](javascript:alert(1))</p>');
    expect(markdownToHtml('```ts\nconst a = 1 < 2 && **b**;\n```\nafter')).toBe('<pre><code class="language-ts">const a = 1 &lt; 2 &amp;&amp; **b**;</code></pre><p>after</p>');
    // A chunk cut inside a code block is closed at its end.
    expect(markdownToHtml('```\nunfinished')).toBe('<pre><code>unfinished</code></pre>');
    expect(markdownToHtml('line one\nline two')).toBe('<p>line one<br />line two</p>');
  });
});

describe('channel-matrix: events', () => {
  it('DM text, group mentions (id, display name as a word, m.mentions, matrix.to link) and their stripping', () => {
    expect(classifyEvent(msg({ msgtype: 'm.text', body: 'hi' }), '!dm', true, bot, names)).toEqual({
      kind: 'message',
      inbound: { sender: '@alice:fake.local', senderName: 'Alice', chatType: 'dm', chatId: '!dm', text: 'hi', messageId: '$e1', receivedAt: 5 },
    });
    const group = (content: Record<string, unknown>) => classifyEvent(msg(content), '!g', false, bot, names);
    expect(group({ msgtype: 'm.text', body: 'Molt: status?' })).toMatchObject({ inbound: { mentioned: true, text: 'status?' } });
    expect(group({ msgtype: 'm.text', body: '@molt:fake.local, status?' })).toMatchObject({ inbound: { mentioned: true, text: 'status?' } });
    expect(group({ msgtype: 'm.text', body: 'hey', 'm.mentions': { user_ids: ['@molt:fake.local'] } })).toMatchObject({ inbound: { mentioned: true } });
    expect(group({ msgtype: 'm.text', body: 'hey you', format: 'org.matrix.custom.html', formatted_body: '<a href="https://matrix.to/#/@molt:fake.local">you</a>' })).toMatchObject({ inbound: { mentioned: true } });
    expect(group({ msgtype: 'm.text', body: 'Moltbot and molten lava' })).toMatchObject({ inbound: { mentioned: false } });
    expect(group({ msgtype: 'm.text', body: 'talking among ourselves' })).toMatchObject({ inbound: { mentioned: false } });
  });

  it('reply fallbacks are cut; edits, notices, own events and other types are skipped; encrypted is reported; media carries metadata', () => {
    expect(classifyEvent(msg({ msgtype: 'm.text', body: '> <@bob:fake.local> earlier\n> more\n\nmy answer', 'm.relates_to': { 'm.in_reply_to': { event_id: '$x' } } }), '!dm', true, bot, names))
      .toMatchObject({ inbound: { text: 'my answer' } });
    expect(classifyEvent(msg({ msgtype: 'm.text', body: '* fixed', 'm.relates_to': { rel_type: 'm.replace', event_id: '$x' } }), '!dm', true, bot, names)).toEqual({ kind: 'ignored', reason: 'edit' });
    expect(classifyEvent(msg({ msgtype: 'm.notice', body: 'beep' }), '!dm', true, bot, names)).toEqual({ kind: 'ignored', reason: 'notice' });
    expect(classifyEvent(msg({ msgtype: 'm.text', body: 'me' }, bot.userId), '!dm', true, bot, names)).toEqual({ kind: 'ignored', reason: 'own' });
    expect(classifyEvent({ ...msg({}), type: 'm.reaction' }, '!dm', true, bot, names)).toEqual({ kind: 'ignored', reason: 'not-a-message' });
    expect(classifyEvent({ ...msg({ ciphertext: 'x' }), type: 'm.room.encrypted' }, '!dm', true, bot, names)).toEqual({ kind: 'encrypted', sender: '@alice:fake.local' });
    expect(classifyEvent(msg({ msgtype: 'm.image', body: 'cat.png', url: 'mxc://fake.local/abc', info: { mimetype: 'image/png', size: 1234 } }), '!dm', true, bot, names))
      .toMatchObject({ kind: 'message', inbound: { text: '', attachments: [{ name: 'cat.png', mimeType: 'image/png', size: 1234, url: 'mxc://fake.local/abc' }] } });
  });
});

describe('channel-matrix: invites', () => {
  const settings = (over: Partial<ChannelSettings> = {}): ChannelSettings => ({
    enabled: true, dmPolicy: 'pairing', allowFrom: [], groupPolicy: 'allowlist', groupAllowFrom: [], requireMention: true, owners: [], ownerSession: 'main', ...over,
  });
  const invite = (from: string, direct: boolean) => [{ type: 'm.room.member', sender: from, state_key: bot.userId, content: { membership: 'invite', ...(direct ? { is_direct: true } : {}) } }];
  const decide = (from: string, direct: boolean, over: Partial<ChannelSettings> = {}, approved: string[] = [], roomId = '!r') =>
    decideInvite({ roomId, botUserId: bot.userId, events: invite(from, direct), settings: settings(over), approved, normalize: (id) => id.trim() });

  it('joins for owners, allowFrom, pairing approvals, listed rooms and (under pairing) direct invites; nothing else', () => {
    expect(decide('@o:x', false, { owners: ['@o:x'] })).toMatchObject({ join: true, why: 'inviter is an owner' });
    expect(decide('@a:x', false, { dmPolicy: 'allowlist', allowFrom: ['@a:x'] })).toMatchObject({ join: true });
    expect(decide('@p:x', false, { dmPolicy: 'allowlist' }, ['@p:x'])).toMatchObject({ join: true, why: 'inviter approved through pairing' });
    expect(decide('@z:x', false, { groupAllowFrom: ['!r'] })).toMatchObject({ join: true, why: 'room in groupAllowFrom' });
    expect(decide('@z:x', true)).toMatchObject({ join: true, direct: true });
    expect(decide('@z:x', false)).toMatchObject({ join: false, why: 'inviter not allowed' });
    expect(decide('@z:x', true, { dmPolicy: 'allowlist' })).toMatchObject({ join: false });
    expect(decide('@z:x', true, { dmPolicy: 'allowlist', allowFrom: ['*'] })).toMatchObject({ join: false });
    expect(decide('@z:x', true, { dmPolicy: 'open', allowFrom: ['*'] })).toMatchObject({ join: true });
    expect(decide('@z:x', false, { groupAllowFrom: ['*'] })).toMatchObject({ join: false });
    expect(decide('@o:x', true, { dmPolicy: 'disabled', owners: ['@o:x'] })).toMatchObject({ join: false });
  });
});

describe('channel-matrix: txn ids and errors', () => {
  it('a failed chunk\'s txnId is reused for its retry only; ids differ across processes', () => {
    const a = new TxnIds();
    const first = a.next('!r', 'k1');
    a.failed('!r', 'k1', first);
    expect(a.next('!r', 'k1')).toBe(first);
    expect(a.next('!r', 'k2')).not.toBe(first);
    a.settled('!r');
    expect(a.next('!r', 'k1')).not.toBe(first);
    expect(new TxnIds().next('!r', 'k1')).not.toBe(first);
  });

  it('429 with only a Retry-After header, 401, 403 and network errors are classified; the token never appears', async () => {
    const mx = await startFakeMatrix();
    onTestFinished(() => mx.close());
    const client = new MatrixClient({ homeserverUrl: `${mx.url}/`, accessToken: mx.token, requestTimeoutMs: 2000 });
    mx.failNext('whoami', { status: 429, retryAfterHeader: 3 });
    const limited = await client.whoami(AbortSignal.timeout(5000)).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(MatrixApiError);
    expect(describeFailure(limited, mx.token)).toMatchObject({ status: 429, errcode: 'M_LIMIT_EXCEEDED', retryAfterMs: 3000, retryable: true });
    const forbidden = await client.send('!nope:fake.local', 't1', { msgtype: 'm.text', body: 'x' }, AbortSignal.timeout(5000)).catch((e: unknown) => e);
    expect(toSendError(forbidden, mx.token)).toMatchObject({ retryable: false, message: 'Matrix send failed: 403 M_FORBIDDEN User @molt:fake.local not in room !nope:fake.local' });
    const wrong = new MatrixClient({ homeserverUrl: mx.url, accessToken: 'syt_wrong_token_value_123456', requestTimeoutMs: 2000 });
    const denied = await wrong.whoami(AbortSignal.timeout(5000)).catch((e: unknown) => e);
    expect(describeFailure(denied, 'syt_wrong_token_value_123456')).toMatchObject({ status: 401, errcode: 'M_UNKNOWN_TOKEN', retryable: false });
    await mx.down();
    const offline = await client.whoami(AbortSignal.timeout(5000)).catch((e: unknown) => e);
    const failure = describeFailure(offline, mx.token);
    expect(failure).toMatchObject({ status: undefined, retryable: true, message: expect.stringMatching(/^Matrix whoami failed: fetch failed/) });
    expect(JSON.stringify(failure)).not.toContain(FAKE_MATRIX_TOKEN);
    // Token-shaped strings in any text are redacted.
    expect(describeFailure(new MatrixApiError(`proxy echoed ${mx.token}`, { status: 502 }), 'other').message).toBe('proxy echoed [REDACTED]');
  });
});
