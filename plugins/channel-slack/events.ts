/**
 * Slack events → `ChannelInbound`. Taken: `message` events from people in DMs (`channel_type`
 * `im` → `dm`), channels, private channels and group DMs (→ `group`), including thread replies,
 * `file_share` and `thread_broadcast`; and `app_mention`. Ignored: edits, deletions, joins and
 * every other subtype, and every message a bot wrote (`bot_id`, the bot's own user id): loop
 * protection.
 *
 * Ids: the sender is the Slack user id; a DM's `chatId` is the user id too (so `owners` and
 * `channels.send('slack', { chatType: 'dm', chatId: 'U…' })` name people, not DM channels),
 * a channel's is its channel id. `messageId` is `<channel>:<ts>` plus `:<thread_ts>` inside a
 * thread: the reply (which gets it back as `replyTo`) goes to that channel and thread. A
 * mention in a channel arrives twice (`message` and `app_mention`) with the same `ts`: the same
 * `messageId`, so the channels service takes it once.
 * Mentioned: the text names the bot (`<@Ubot>`, cut from the text), or it is an `app_mention`,
 * or a reply in a thread the bot started or answered in.
 */
import type { ChannelInbound } from '../../sdk/channels/index.ts';
import { fromSlackText } from './mrkdwn.ts';

export interface BotIdentity {
  userId: string;
  botId?: string;
  teamId?: string;
  name?: string;
}

export interface SlackFile { id?: string; name?: string; title?: string; mimetype?: string; size?: number; url_private?: string; url_private_download?: string }

export interface SlackMessageEvent {
  type: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  parent_user_id?: string;
  channel?: string;
  channel_type?: string;
  files?: SlackFile[];
  user_profile?: { display_name?: string; real_name?: string; name?: string };
  [key: string]: unknown;
}

/** Subtypes that are still a person's new message. */
const PERSON_SUBTYPES = new Set(['file_share', 'thread_broadcast']);

/** Canonical user/channel id: `slack:U1`, `<@U1>`, ` u1 ` all mean `U1`. */
export function normalizeSlackId(id: string): string {
  const trimmed = id.trim().replace(/^slack:/i, '');
  const wrapped = /^<[@#]([A-Za-z0-9]+)(?:\|[^>]*)?>$/.exec(trimmed);
  return (wrapped ? wrapped[1]! : trimmed).toUpperCase();
}

/** What a `messageId` made here points at. */
export interface MessageRef {
  channel: string;
  ts: string;
  threadTs?: string;
}

const TS = /^\d{1,12}\.\d{1,9}$/;

export function messageRef(channel: string, ts: string, threadTs?: string): string {
  return threadTs !== undefined && threadTs !== ts ? `${channel}:${ts}:${threadTs}` : `${channel}:${ts}`;
}

export function parseMessageRef(ref: string | undefined): MessageRef | undefined {
  const match = ref === undefined ? null : /^([A-Z0-9]{1,40}):(\d{1,12}\.\d{1,9})(?::(\d{1,12}\.\d{1,9}))?$/.exec(ref);
  if (!match) return undefined;
  return { channel: match[1]!, ts: match[2]!, ...(match[3] ? { threadTs: match[3] } : {}) };
}

/** Where a thread lives, for the set of threads the bot takes part in. */
export const threadKey = (channel: string, threadTs: string) => `${channel}:${threadTs}`;

function attachmentsOf(event: SlackMessageEvent, download: SlackFileDownload | undefined): ChannelInbound['attachments'] {
  if (!Array.isArray(event.files)) return undefined;
  const found = event.files.filter((f): f is SlackFile => typeof f === 'object' && f !== null).map((file) => {
    const url = typeof file.url_private_download === 'string' ? file.url_private_download : typeof file.url_private === 'string' ? file.url_private : undefined;
    return {
      name: file.name ?? file.title ?? 'file',
      ...(typeof file.mimetype === 'string' ? { mimeType: file.mimetype } : {}),
      ...(typeof file.size === 'number' ? { size: file.size } : {}),
      // The file id; the content is at url_private(_download), fetched with the bot token.
      ...(typeof file.id === 'string' ? { url: `slack-file:${file.id}` } : {}),
      ...(url !== undefined && download !== undefined ? { download: download(url) } : {}),
    };
  });
  return found.length > 0 ? found : undefined;
}

/** Cuts the bot's own mention from the text; says whether there was one. */
function cutMention(text: string, bot: BotIdentity): { mentioned: boolean; text: string } {
  const pattern = new RegExp(`<@${bot.userId}(?:\\|[^>]*)?>`, 'g');
  if (!pattern.test(text)) return { mentioned: false, text };
  return { mentioned: true, text: text.replace(pattern, ' ').replace(/[ \t]{2,}/g, ' ').replace(/^[ \t]*[,:]?[ \t]*/, '').trim() };
}

/** Makes the download of a file's `url_private` (the adapter adds the bot token). */
export type SlackFileDownload = (url: string) => (signal: AbortSignal) => Promise<Response>;

export interface NormalizeContext {
  bot: BotIdentity;
  /** Downloads of files (absent: the agent sees file metadata only). */
  download?: SlackFileDownload;
  /** Whether the bot started or answered in this thread (`threadKey`). */
  inThread(key: string): boolean;
}

export function normalizeEvent(event: SlackMessageEvent, context: NormalizeContext): ChannelInbound | undefined {
  if (typeof event !== 'object' || event === null || (event.type !== 'message' && event.type !== 'app_mention')) return undefined;
  if (event.subtype !== undefined && !PERSON_SUBTYPES.has(event.subtype)) return undefined;
  const { bot } = context;
  if (event.bot_id !== undefined || typeof event.user !== 'string' || event.user === bot.userId) return undefined;
  if (typeof event.channel !== 'string' || typeof event.ts !== 'string' || !TS.test(event.ts)) return undefined;
  const channel = event.channel.toUpperCase();
  const chatType = event.channel_type === 'im' || (event.channel_type === undefined && channel.startsWith('D')) ? 'dm' : 'group';
  const rawText = typeof event.text === 'string' ? event.text : '';
  const attachments = attachmentsOf(event, context.download);
  if (rawText.trim() === '' && attachments === undefined) return undefined;
  const mention = cutMention(rawText, bot);
  const threadTs = typeof event.thread_ts === 'string' && TS.test(event.thread_ts) ? event.thread_ts : undefined;
  const inBotThread = threadTs !== undefined && (event.parent_user_id === bot.userId || context.inThread(threadKey(channel, threadTs)));
  const profile = event.user_profile;
  const senderName = profile?.display_name || profile?.real_name || profile?.name;
  const sender = normalizeSlackId(event.user);
  return {
    sender,
    ...(senderName ? { senderName } : {}),
    chatType,
    chatId: chatType === 'dm' ? sender : channel,
    text: fromSlackText(mention.text),
    mentioned: mention.mentioned || event.type === 'app_mention' || inBotThread,
    messageId: messageRef(channel, event.ts, threadTs),
    ...(attachments ? { attachments } : {}),
    receivedAt: Math.round(Number(event.ts) * 1000),
  };
}
