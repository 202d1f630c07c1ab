/**
 * One /sync timeline event → what the channel does with it.
 *
 * Only `m.room.message` events from others become inbound messages; edits (`m.replace`),
 * notices (`m.notice`, what bots send: loop protection) and the bot's own events are skipped.
 * `m.room.encrypted` is reported as such (this channel has no end-to-end encryption, see the
 * README). Media messages (`m.image`, `m.file`, `m.audio`, `m.video`) carry their metadata as
 * attachments (name, mimetype, size, mxc:// url), not their content.
 *
 * The bot is `mentioned` when `m.mentions.user_ids` names it, or the body (or the HTML body,
 * through a matrix.to link) contains its user id or its display name as a word. A leading
 * mention ("Molt: ...", "@molt:example.org, ...") is cut from the text; a reply's quoted
 * fallback ("> <@x> ..." lines) is cut too, so the agent sees only what was written.
 */
import type { ChannelInbound, InboundAttachment } from '../../sdk/channels/index.ts';
import type { MatrixEvent } from './client.ts';

export interface BotIdentity {
  userId: string;
  displayName?: string;
}

export type EventOutcome =
  | { kind: 'message'; inbound: ChannelInbound }
  | { kind: 'encrypted'; sender: string }
  | { kind: 'ignored'; reason: string };

const MEDIA: Record<string, string> = { 'm.image': 'image', 'm.file': 'file', 'm.audio': 'audio', 'm.video': 'video' };

/** Canonical sender id: trims and accepts a `matrix:` prefix (`matrix:@a:b` = `@a:b`). */
export function normalizeMatrixId(id: string): string {
  return id.trim().replace(/^matrix:/i, '');
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function nameRegExp(name: string, flags = 'i'): RegExp {
  // A "word" match that also works for names starting or ending with punctuation.
  return new RegExp(`(^|[^\\p{L}\\p{N}_])${escapeRegExp(name)}(?=$|[^\\p{L}\\p{N}_])`, `u${flags}`);
}

function isMentioned(content: Record<string, unknown>, body: string, bot: BotIdentity): boolean {
  const mentions = content['m.mentions'] as { user_ids?: unknown } | undefined;
  if (Array.isArray(mentions?.user_ids) && mentions.user_ids.includes(bot.userId)) return true;
  if (body.toLowerCase().includes(bot.userId.toLowerCase())) return true;
  if (bot.displayName !== undefined && bot.displayName.trim() !== '' && nameRegExp(bot.displayName.trim()).test(body)) return true;
  const html = typeof content['formatted_body'] === 'string' ? content['formatted_body'] : '';
  return html.includes(`matrix.to/#/${bot.userId}`) || html.includes(`matrix.to/#/${encodeURIComponent(bot.userId)}`);
}

function stripLeadingMention(body: string, bot: BotIdentity): string {
  // The user id first: "@molt:server" must not be cut as "@" + the display name "Molt".
  const names = [escapeRegExp(bot.userId), ...(bot.displayName?.trim() ? [`@?${escapeRegExp(bot.displayName.trim())}`] : [])];
  return body.replace(new RegExp(`^\\s*(?:${names.join('|')})(?![\\p{L}\\p{N}_])\\s*[:,]?\\s*`, 'iu'), '');
}

/** Rich replies quote the answered message as "> " lines then a blank line; only new text matters. */
function stripReplyFallback(body: string, content: Record<string, unknown>): string {
  const relates = content['m.relates_to'] as { 'm.in_reply_to'?: unknown } | undefined;
  if (relates?.['m.in_reply_to'] === undefined) return body;
  const lines = body.split('\n');
  let i = 0;
  while (i < lines.length && (lines[i] as string).startsWith('>')) i++;
  if (i === 0) return body;
  if (lines[i] === '') i++;
  return lines.slice(i).join('\n');
}

/** Makes the download of an `mxc://` URI (the adapter adds the homeserver and the token). */
export type MxcDownload = (mxc: string) => NonNullable<InboundAttachment['download']> | undefined;

export function classifyEvent(event: MatrixEvent, roomId: string, isDm: boolean, bot: BotIdentity, senderName: (userId: string) => string | undefined, download?: MxcDownload): EventOutcome {
  if (event.sender === bot.userId) return { kind: 'ignored', reason: 'own' };
  if (event.type === 'm.room.encrypted') return { kind: 'encrypted', sender: event.sender ?? '' };
  if (event.type !== 'm.room.message') return { kind: 'ignored', reason: 'not-a-message' };
  const content = event.content ?? {};
  const sender = event.sender;
  if (typeof sender !== 'string' || sender === '') return { kind: 'ignored', reason: 'no-sender' };
  const relates = content['m.relates_to'] as { rel_type?: unknown } | undefined;
  if (relates?.rel_type === 'm.replace') return { kind: 'ignored', reason: 'edit' };
  const msgtype = content['msgtype'];
  const rawBody = typeof content['body'] === 'string' ? content['body'] : '';
  let text: string;
  const attachments: NonNullable<ChannelInbound['attachments']> = [];
  if (msgtype === 'm.text' || msgtype === 'm.emote') {
    text = stripReplyFallback(rawBody, content);
  } else if (typeof msgtype === 'string' && MEDIA[msgtype] !== undefined) {
    const info = (content['info'] ?? {}) as { mimetype?: unknown; size?: unknown };
    const name = typeof content['filename'] === 'string' ? content['filename'] : rawBody || (MEDIA[msgtype] as string);
    attachments.push({
      name,
      ...(typeof info.mimetype === 'string' ? { mimeType: info.mimetype } : {}),
      ...(typeof info.size === 'number' ? { size: info.size } : {}),
      ...(typeof content['url'] === 'string' ? { url: content['url'] } : {}),
    });
    const fetcher = typeof content['url'] === 'string' ? download?.(content['url']) : undefined;
    if (fetcher !== undefined) attachments[0]!.download = fetcher;
    // A caption is a body different from the file name (Matrix v1.10 media captions).
    text = typeof content['filename'] === 'string' && rawBody !== content['filename'] ? rawBody : '';
  } else {
    return { kind: 'ignored', reason: msgtype === 'm.notice' ? 'notice' : 'unsupported-msgtype' };
  }
  const mentioned = !isDm && isMentioned(content, rawBody, bot);
  if (mentioned) text = stripLeadingMention(text, bot);
  const name = senderName(sender);
  return {
    kind: 'message',
    inbound: {
      sender,
      ...(name === undefined ? {} : { senderName: name }),
      chatType: isDm ? 'dm' : 'group',
      chatId: roomId,
      text,
      ...(isDm ? {} : { mentioned }),
      ...(event.event_id === undefined ? {} : { messageId: event.event_id }),
      ...(attachments.length > 0 ? { attachments } : {}),
      ...(typeof event.origin_server_ts === 'number' ? { receivedAt: event.origin_server_ts } : {}),
    },
  };
}
