/**
 * Discord MESSAGE_CREATE → `ChannelInbound`. Only plain and reply messages (types 0 and 19)
 * from people become inbound messages; bots (loop protection, the bot's own messages
 * included), webhooks and system messages (joins, pins, thread-created notices) give
 * `undefined`.
 *
 * Ids: the sender is the Discord user id (a snowflake). A DM (no `guild_id`) has the user id
 * as `chatId`: the DM peer, the same id `allowFrom` and `owners` hold, and the id `channels.send`
 * takes (the adapter maps it to the DM channel). A guild message has the channel id as
 * `chatId`; a thread is a channel of its own, so a thread is its own group chat and session
 * and the reply lands in the thread. The bot is `mentioned` when the message mentions its user
 * id (`<@id>` / `<@!id>`, in `mentions`) or replies to one of its messages; the mention is
 * written as `@name` in the text the agent sees. Role and @everyone mentions do not count.
 */
import { httpDownload, type ChannelInbound } from '../../sdk/channels/index.ts';

export interface DiscordUser {
  id: string;
  username?: string;
  global_name?: string | null;
  bot?: boolean;
  system?: boolean;
}

export interface DiscordMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author?: DiscordUser;
  member?: { nick?: string | null };
  content?: string;
  type?: number;
  webhook_id?: string;
  mentions?: DiscordUser[];
  referenced_message?: { author?: { id: string } } | null;
  attachments?: { id: string; filename?: string; content_type?: string; size?: number; url?: string }[];
  timestamp?: string;
}

const USER_MESSAGE_TYPES = new Set([0, 19]);

/** Canonical sender id: `discord:123`, `<@123>`, `<@!123>` and ` 123 ` all mean user 123. */
export function normalizeDiscordId(id: string): string {
  const trimmed = id.trim().replace(/^discord:/i, '');
  return /^<@!?(\d+)>$/.exec(trimmed)?.[1] ?? trimmed;
}

export function normalizeMessage(message: DiscordMessage, bot: DiscordUser): ChannelInbound | undefined {
  const author = message.author;
  if (author === undefined || author.bot === true || author.system === true || message.webhook_id !== undefined) return undefined;
  if (author.id === bot.id || !USER_MESSAGE_TYPES.has(message.type ?? 0)) return undefined;
  const dm = message.guild_id === undefined;
  const mentionPattern = new RegExp(`<@!?${bot.id}>`, 'g');
  const content = message.content ?? '';
  const mentioned = !dm && (
    (message.mentions ?? []).some((user) => user.id === bot.id) ||
    mentionPattern.test(content) ||
    message.referenced_message?.author?.id === bot.id
  );
  const text = content.replace(mentionPattern, `@${bot.username ?? 'bot'}`).trim();
  const senderName = message.member?.nick ?? author.global_name ?? author.username;
  const attachments = (message.attachments ?? []).map((a) => ({
    ...(a.filename === undefined ? {} : { name: a.filename }),
    ...(a.content_type === undefined ? {} : { mimeType: a.content_type }),
    ...(a.size === undefined ? {} : { size: a.size }),
    ...(a.url === undefined ? {} : { url: a.url, download: httpDownload(a.url) }),
  }));
  const at = message.timestamp === undefined ? Number.NaN : Date.parse(message.timestamp);
  return {
    sender: author.id,
    ...(senderName ? { senderName } : {}),
    chatType: dm ? 'dm' : 'group',
    chatId: dm ? author.id : message.channel_id,
    text,
    mentioned,
    messageId: `${message.channel_id}:${message.id}`,
    ...(attachments.length > 0 ? { attachments } : {}),
    ...(Number.isFinite(at) ? { receivedAt: at } : {}),
  };
}

/** `replyTo` (`<channel id>:<message id>`) → its parts. */
export function parseMessageRef(ref: string | undefined): { channelId: string; messageId: string } | undefined {
  const match = ref === undefined ? null : /^(\d+):(\d+)$/.exec(ref);
  return match === null ? undefined : { channelId: match[1]!, messageId: match[2]! };
}
