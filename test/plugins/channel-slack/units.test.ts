/** The pure parts: Markdown → mrkdwn, Slack text → plain, event normalisation, signatures, ids. */
import { describe, expect, it } from 'vitest';
import { mrkdwnParts } from '../../../plugins/channel-slack/adapter.ts';
import { describeFailure } from '../../../plugins/channel-slack/errors.ts';
import { messageRef, normalizeEvent, normalizeSlackId, parseMessageRef } from '../../../plugins/channel-slack/events.ts';
import { fromSlackText, toMrkdwn } from '../../../plugins/channel-slack/mrkdwn.ts';
import { slackSignature, slackSignatureDigest } from '../../../plugins/channel-slack/signature.ts';
import { signSlack } from '../../helpers/fake-slack.ts';

const bot = { userId: 'U0BOT', botId: 'B0BOT' };
const context = { bot, inThread: () => false };

describe('channel-slack: Markdown → mrkdwn', () => {
  it('converts bold, italic, strike, headings, lists, quotes and links', () => {
    expect(toMrkdwn('**bold** and *italic* and __also bold__ and ~~gone~~')).toBe('*bold* and _italic_ and *also bold* and ~gone~');
    expect(toMrkdwn('# Title\n- one\n* two\n> quoted')).toBe('*Title*\n• one\n• two\n> quoted');
    expect(toMrkdwn('see [docs](https://x.io/a?b=1&c=2) now')).toBe('see <https://x.io/a?b=1&amp;c=2|docs> now');
    expect(toMrkdwn('[a|b](https://x.io/p|q)')).toBe('<https://x.io/p%7Cq|a¦b>');
  });

  it('escapes &, <, > everywhere, so model output cannot ping or forge a link', () => {
    expect(toMrkdwn('<!channel> <@U123> a < b && c > d <https://evil|click>')).toBe('&lt;!channel&gt; &lt;@U123&gt; a &lt; b &amp;&amp; c &gt; d &lt;https://evil|click&gt;');
  });

  it('leaves code alone (escaped only), drops the fence language, and closes a fence cut by chunking', () => {
    expect(toMrkdwn('run `a **b** <c>`:\n```ts\nconst x = a && **b**;\n```\ndone **ok**')).toBe('run `a **b** &lt;c&gt;`:\n```\nconst x = a &amp;&amp; **b**;\n```\ndone *ok*');
    expect(toMrkdwn('```\nhalf a block')).toBe('```\nhalf a block\n```');
  });

  it('a chunk that escaping pushes past 4000 characters is split again, never inside an escape', () => {
    const text = '& '.repeat(1900).trim();
    const parts = mrkdwnParts(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(4000);
      expect(part).toMatch(/^(&amp; ?)+$/);
    }
    expect(parts.join(' ').split('&amp;').length - 1).toBe(1900);
    expect(mrkdwnParts('short')).toEqual(['short']);
  });
});

describe('channel-slack: Slack text → plain', () => {
  it('turns mentions, channels, specials and links into readable text and unescapes', () => {
    expect(fromSlackText('hi <@U1|ann> in <#C1|general> <!here> see <https://x.io|site> <https://y.io> <mailto:a@b.c|a@b.c> 1 &lt; 2 &amp;&amp; 3 &gt; 2'))
      .toBe('hi @ann in #general @here see site (https://x.io) https://y.io a@b.c 1 < 2 && 3 > 2');
    expect(fromSlackText('<!subteam^S1|@devs> <!date^1392734382^{date}|Feb 18>')).toBe('@devs Feb 18');
  });
});

describe('channel-slack: events', () => {
  it('a DM: sender and chat are the user; the messageId names channel and ts', () => {
    expect(normalizeEvent({ type: 'message', channel: 'D0A', user: 'U0ALICE', text: 'hey', ts: '1700000000.000100', channel_type: 'im' }, context)).toEqual({
      sender: 'U0ALICE', chatType: 'dm', chatId: 'U0ALICE', text: 'hey', mentioned: false, messageId: 'D0A:1700000000.000100', receivedAt: 1_700_000_000_000,
    });
  });

  it('a channel mention is cut from the text; a thread reply keeps its thread; files are metadata', () => {
    const event = normalizeEvent({
      type: 'message', subtype: 'file_share', channel: 'C0GEN', user: 'U0ALICE', text: '<@U0BOT>: look', ts: '1700000000.000200', thread_ts: '1700000000.000100', channel_type: 'channel',
      files: [{ id: 'F1', name: 'a.png', mimetype: 'image/png', size: 10 }], user_profile: { display_name: '', real_name: 'Alice L' },
    }, context);
    expect(event).toMatchObject({ chatType: 'group', chatId: 'C0GEN', text: 'look', mentioned: true, senderName: 'Alice L', messageId: 'C0GEN:1700000000.000200:1700000000.000100', attachments: [{ name: 'a.png', mimeType: 'image/png', size: 10, url: 'slack-file:F1' }] });
    expect(parseMessageRef(event!.messageId)).toEqual({ channel: 'C0GEN', ts: '1700000000.000200', threadTs: '1700000000.000100' });
  });

  it('a reply in a thread the bot started counts as a mention; bots, edits and joins are ignored', () => {
    expect(normalizeEvent({ type: 'message', channel: 'C0GEN', user: 'U0B', text: 'more', ts: '2.1', thread_ts: '1.1', parent_user_id: 'U0BOT' }, context)?.mentioned).toBe(true);
    expect(normalizeEvent({ type: 'message', channel: 'C0GEN', user: 'U0B', text: 'more', ts: '2.1', thread_ts: '1.1' }, { bot, inThread: (key) => key === 'C0GEN:1.1' })?.mentioned).toBe(true);
    expect(normalizeEvent({ type: 'message', channel: 'C0GEN', user: 'U0B', text: 'more', ts: '2.1', thread_ts: '1.1' }, context)?.mentioned).toBe(false);
    expect(normalizeEvent({ type: 'message', channel: 'C0GEN', user: 'U0BOT', text: 'me', ts: '2.2' }, context)).toBeUndefined();
    expect(normalizeEvent({ type: 'message', channel: 'C0GEN', user: 'U0X', bot_id: 'B9', text: 'bot', ts: '2.3' }, context)).toBeUndefined();
    expect(normalizeEvent({ type: 'message', subtype: 'message_changed', channel: 'C0GEN', ts: '2.4' }, context)).toBeUndefined();
    expect(normalizeEvent({ type: 'message', subtype: 'channel_join', channel: 'C0GEN', user: 'U0X', text: 'joined', ts: '2.5' }, context)).toBeUndefined();
    expect(normalizeEvent({ type: 'reaction_added', user: 'U0X', ts: '2.6' } as never, context)).toBeUndefined();
  });

  it('ids: slack: prefix, <@…> wrapping and case do not matter; refs round-trip', () => {
    expect(['U0ALICE', 'slack:u0alice', ' <@U0ALICE|alice> '].map(normalizeSlackId)).toEqual(['U0ALICE', 'U0ALICE', 'U0ALICE']);
    expect(parseMessageRef(messageRef('C1', '1.2'))).toEqual({ channel: 'C1', ts: '1.2' });
    expect(messageRef('C1', '1.2', '1.2')).toBe('C1:1.2');
    expect(parseMessageRef('nonsense')).toBeUndefined();
  });
});

describe('channel-slack: signatures and errors', () => {
  it('v0 signatures match Slack\'s documented example', () => {
    // docs.slack.dev "Verifying requests from Slack": the example secret, timestamp and body.
    const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(slackSignature('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
    expect(signSlack('s', 1, 'b')).toBe(slackSignature('s', 1, 'b'));
    expect(slackSignatureDigest(`v0=${'AB'.repeat(32)}`)).toBe('ab'.repeat(32));
    expect(slackSignatureDigest('sha256=00')).toBeUndefined();
  });

  it('rate limits carry Retry-After; auth errors are flagged; tokens never appear', () => {
    expect(describeFailure({ code: 'slack_webapi_rate_limited_error', retryAfter: 3 }, 'chat.postMessage', [])).toMatchObject({ retryable: true, retryAfterMs: 3000 });
    expect(describeFailure({ code: 'slack_webapi_platform_error', data: { error: 'token_revoked' } }, 'auth.test', [])).toMatchObject({ retryable: false, auth: true });
    expect(describeFailure({ code: 'slack_webapi_http_error', statusCode: 502 }, 'chat.postMessage', [])).toMatchObject({ retryable: true, code: 'http_502' });
    const leaky = describeFailure(new Error('A request error occurred: proxy said Bearer xoxb-123-456-abcdef and xapp-1-A1-2-ffff'), 'auth.test', ['xoxb-123-456-abcdef']);
    expect(leaky).toMatchObject({ retryable: true, code: 'network' });
    expect(leaky.message).not.toMatch(/xoxb-|xapp-/);
  });
});
