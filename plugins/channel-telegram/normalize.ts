/**
 * Telegram update → `ChannelInbound`. Only new messages (`message`) in private chats, groups and
 * supergroups are turned into inbound messages; edits, channel posts, service messages (joins,
 * pins) and messages from bots (loop protection) give `undefined`.
 *
 * Ids: the sender is the Telegram user id (or the chat id of an anonymous group admin posting
 * as the group); `chatId` is the chat id; `messageId` is `<chatId>:<message_id>` because
 * Telegram numbers messages per chat, with `#<topic>` added in a forum topic so the reply
 * (which gets it back as `replyTo`) goes to the same topic. A forum's topics share the group's
 * session. The bot is `mentioned` when a mention entity names its
 * username (or a text mention its id), a `/command@botname` names it, or the message replies
 * to one of its messages; the mention itself is cut from the text.
 */
import type { ChannelInbound, InboundAttachment } from '../../sdk/channels/index.ts';

/** Makes the download of a Telegram file (getFile, then the file URL); the adapter supplies it. */
export type FileDownloader = (fileId: string) => NonNullable<InboundAttachment['download']>;

export interface BotIdentity {
  id: number;
  username?: string;
}

interface User { id: number; is_bot?: boolean; first_name?: string; last_name?: string; username?: string }
interface Entity { type: string; offset: number; length: number; user?: { id: number } }
interface Message {
  message_id: number;
  date?: number;
  chat: { id: number; type: string };
  from?: User;
  sender_chat?: { id: number; title?: string };
  text?: string;
  caption?: string;
  entities?: Entity[];
  caption_entities?: Entity[];
  reply_to_message?: { from?: { id: number } };
  /** Forum topic of the message (`is_topic_message` says it is a real topic, not a reply thread). */
  message_thread_id?: number;
  is_topic_message?: boolean;
  /** Service message: this group became the supergroup with this id. */
  migrate_to_chat_id?: number;
  photo?: { file_id: string; file_size?: number; width: number; height: number }[];
  document?: FileLike;
  audio?: FileLike;
  video?: FileLike;
  voice?: FileLike;
  video_note?: FileLike;
  animation?: FileLike;
  sticker?: FileLike & { emoji?: string };
}
interface FileLike { file_id: string; file_name?: string; mime_type?: string; file_size?: number }

export interface TelegramUpdate {
  update_id: number;
  message?: Message;
  [key: string]: unknown;
}

/** Canonical sender id: `tg:123`, `telegram:123` and ` 123 ` all mean user 123. */
export function normalizeTelegramId(id: string): string {
  return id.trim().replace(/^(?:telegram|tg):/i, '');
}

function displayName(user: User): string | undefined {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return name || (user.username ? `@${user.username}` : undefined);
}

function attachmentsOf(message: Message, downloader: FileDownloader | undefined): InboundAttachment[] {
  const found: InboundAttachment[] = [];
  const download = (fileId: unknown) => (downloader !== undefined && typeof fileId === 'string' && fileId !== '' ? { download: downloader(fileId) } : {});
  const file = (kind: string, f: FileLike | undefined, fallbackMime?: string) => {
    if (f === undefined) return;
    const mimeType = f.mime_type ?? fallbackMime;
    found.push({ name: f.file_name ?? kind, ...(mimeType ? { mimeType } : {}), ...(f.file_size === undefined ? {} : { size: f.file_size }), ...download(f.file_id) });
  };
  if (Array.isArray(message.photo) && message.photo.length > 0) {
    // Telegram sends every size of a photo; the last is the largest.
    const largest = message.photo[message.photo.length - 1] as NonNullable<Message['photo']>[number];
    found.push({ name: 'photo', mimeType: 'image/jpeg', ...(largest.file_size === undefined ? {} : { size: largest.file_size }), ...download(largest.file_id) });
  }
  file('document', message.document);
  file('audio', message.audio, 'audio/mpeg');
  file('video', message.video, 'video/mp4');
  file('voice', message.voice, 'audio/ogg');
  file('video_note', message.video_note, 'video/mp4');
  file('animation', message.animation, 'video/mp4');
  file('sticker', message.sticker, 'image/webp');
  return found;
}

/** Finds the bot's mentions in `text`; returns whether it was named and the text without them. */
function findMention(text: string, entities: Entity[], bot: BotIdentity): { mentioned: boolean; text: string } {
  const username = bot.username?.toLowerCase();
  const cuts: { offset: number; length: number }[] = [];
  let mentioned = false;
  for (const entity of entities) {
    const slice = text.slice(entity.offset, entity.offset + entity.length);
    if (entity.type === 'mention' && username !== undefined && slice.toLowerCase() === `@${username}`) {
      mentioned = true;
      cuts.push(entity);
    } else if (entity.type === 'text_mention' && entity.user?.id === bot.id) {
      mentioned = true;
    } else if (entity.type === 'bot_command' && username !== undefined && slice.toLowerCase().endsWith(`@${username}`)) {
      mentioned = true;
      // Keep the command, drop its "@botname" suffix.
      cuts.push({ offset: entity.offset + slice.length - username.length - 1, length: username.length + 1 });
    }
  }
  let stripped = text;
  for (const cut of cuts.sort((a, b) => b.offset - a.offset)) {
    stripped = stripped.slice(0, cut.offset) + stripped.slice(cut.offset + cut.length);
  }
  return { mentioned, text: cuts.length > 0 ? stripped.replace(/[ \t]{2,}/g, ' ').trim() : text };
}

export function normalizeUpdate(update: TelegramUpdate, bot: BotIdentity, downloader?: FileDownloader): ChannelInbound | undefined {
  const message = update.message;
  if (message === undefined || typeof message !== 'object' || message.chat === undefined) return undefined;
  const chatType = message.chat.type === 'private' ? 'dm' : message.chat.type === 'group' || message.chat.type === 'supergroup' ? 'group' : undefined;
  if (chatType === undefined) return undefined;
  const from = message.from;
  if (from?.is_bot === true && message.sender_chat === undefined) return undefined;
  const sender = message.sender_chat?.id ?? from?.id;
  if (sender === undefined) return undefined;
  const rawText = message.text ?? message.caption ?? '';
  const attachments = attachmentsOf(message, downloader);
  if (rawText === '' && attachments.length === 0) return undefined;
  const mention = findMention(rawText, (message.text !== undefined ? message.entities : message.caption_entities) ?? [], bot);
  const repliedToBot = message.reply_to_message?.from?.id === bot.id;
  const senderName = message.sender_chat ? message.sender_chat.title : from ? displayName(from) : undefined;
  return {
    sender: String(sender),
    ...(senderName ? { senderName } : {}),
    chatType,
    chatId: String(message.chat.id),
    // A photo or file without a caption has empty text: the service shows the agent its metadata.
    text: mention.text,
    mentioned: mention.mentioned || repliedToBot,
    messageId: messageRef(message.chat.id, message.message_id, message.is_topic_message === true ? message.message_thread_id : undefined),
    ...(attachments.length > 0 ? { attachments } : {}),
    receivedAt: typeof message.date === 'number' ? message.date * 1000 : Date.now(),
  };
}

/** What a `messageId` made here points at: `<chatId>:<message_id>`, `#<thread>` added inside a forum topic. */
export interface MessageRef {
  messageId: number;
  /** Forum topic (`message_thread_id`) the message is in. */
  threadId?: number;
}

export function messageRef(chatId: number, messageId: number, threadId?: number): string {
  return threadId === undefined ? `${chatId}:${messageId}` : `${chatId}:${messageId}#${threadId}`;
}

/** Reads a ref made by `messageRef` (or a bare message id); undefined for anything else. */
export function parseMessageRef(ref: string | undefined): MessageRef | undefined {
  const match = ref === undefined ? null : /^(?:-?\d+:)?(\d+)(?:#(\d+))?$/.exec(ref);
  if (!match) return undefined;
  const messageId = Number(match[1]);
  const threadId = match[2] === undefined ? undefined : Number(match[2]);
  if (!Number.isSafeInteger(messageId) || messageId <= 0) return undefined;
  return { messageId, ...(threadId !== undefined && Number.isSafeInteger(threadId) ? { threadId } : {}) };
}
