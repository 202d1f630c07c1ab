/**
 * The Telegram `ChannelAdapter`: speaks the Bot API through grammy's `Api` client and nothing
 * else (policy, pairing, chunking and the outbound queue belong to the channels service).
 *
 * One connection loop per start: getMe (who the bot is, for mention detection) then, in
 * polling mode, deleteWebhook and getUpdates long polls with a persisted offset; in webhook
 * mode, setWebhook with the secret token (updates then arrive through `handleWebhookUpdate`).
 * Any failure (network, 5xx, 401, 409 conflict) reports `degraded` with a token-free error and
 * retries after `host.backoff()` (or Telegram's retry_after), going through getMe again;
 * getMe answering reports `connected`, which lets the service drain its outbound queue.
 */
import { Api, InputFile } from 'grammy';
import { createConnectionLoop, type ChannelAdapter, type ChannelHost, type ChannelTarget, type OutboundAttachment } from '../../sdk/channels/index.ts';
import { describeApiFailure, safeError, toSendError } from './errors.ts';
import { messageRef, normalizeTelegramId, normalizeUpdate, parseMessageRef, type BotIdentity, type TelegramUpdate } from './normalize.ts';
import type { OffsetStore } from './offset-store.ts';
import { telegramFileDownloader } from './file-download.ts';

export interface TelegramOptions {
  botToken: string;
  mode: 'polling' | 'webhook';
  apiRoot: string;
  webhookPath: string;
  webhookUrl?: string;
  webhookSecret?: string;
  linkPreviews: boolean;
  pollTimeoutSeconds: number;
  requestTimeoutMs: number;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
}

export interface TelegramAdapterDeps {
  offsets: OffsetStore;
  /** The public URL Telegram posts updates to (webhook mode); undefined while unknown. */
  webhookUrl(): string | undefined;
}

export interface WebhookInfo {
  url: string;
  pendingUpdateCount: number;
  lastErrorMessage?: string;
  lastErrorDate?: number;
}

export interface TelegramAdapter extends ChannelAdapter {
  /** The bot as getMe described it; undefined until connected once. */
  readonly bot: BotIdentity | undefined;
  /** What Telegram says about webhook delivery (getWebhookInfo); errors come back token-free. */
  webhookInfo(timeoutMs: number): Promise<WebhookInfo>;
  /** Hands one webhook update to the service; false when the channel is not running. */
  handleWebhookUpdate(update: TelegramUpdate): Promise<boolean>;
}

const ALLOWED_UPDATES = ['message'] as const;
/** Bot API limits: uploads up to 50 MB, photos up to 10 MB (larger images go as documents), captions 1024 characters. */
export const TELEGRAM_MAX_UPLOAD = 50 * 1000 * 1000;
const PHOTO_MAX = 10 * 1000 * 1000;
const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);
const CAPTION_MAX = 1024;
const ANSWERED_MAX = 1000;

/** grammy's Node typings name the `abort-controller` polyfill's signal; Node's own is what runs. */
type GrammySignal = NonNullable<Parameters<Api['getMe']>[0]>;
const asGrammy = (signal: AbortSignal) => signal as unknown as GrammySignal;

export function createTelegramAdapter(options: TelegramOptions, deps: TelegramAdapterDeps, id = 'telegram'): TelegramAdapter {
  const token = options.botToken;
  // grammy's own client timeout must outlast a long poll; sends get their own, shorter one.
  const api = new Api(token, { apiRoot: options.apiRoot.replace(/\/+$/, ''), timeoutSeconds: options.pollTimeoutSeconds + Math.ceil(options.requestTimeoutMs / 1000) });
  let bot: BotIdentity | undefined;
  // Photos, voice notes and files are fetched by the channels service's media kit through this.
  const downloader = telegramFileDownloader(api, options.apiRoot, token);
  /** Messages already answered: the later chunks of a long reply do not quote the question again. */
  const answered = new Set<string>();
  const markAnswered = (ref: string) => {
    answered.add(ref);
    if (answered.size > ANSWERED_MAX) answered.delete(answered.values().next().value as string);
  };

  const requestSignal = (signal: AbortSignal) => asGrammy(AbortSignal.any([signal, AbortSignal.timeout(options.requestTimeoutMs)]));

  async function dispatch(update: TelegramUpdate): Promise<void> {
    const current = connection.host;
    if (current === undefined || bot === undefined) return;
    const migrated = update.message?.migrate_to_chat_id;
    if (typeof migrated === 'number') {
      current.log.warn({ from: update.message?.chat.id, to: migrated }, 'a telegram group became a supergroup with a new chat id: put the new id in channels.telegram.groupAllowFrom');
    }
    const inbound = normalizeUpdate(update, bot, downloader);
    if (inbound === undefined) {
      current.log.debug({ updateId: update.update_id }, 'telegram update ignored (not a new user message in a dm or group)');
      return;
    }
    try {
      await current.receive(inbound);
    } catch (error) {
      current.log.error({ err: safeError(error, token), updateId: update.update_id }, 'the channels service failed to take a telegram message');
    }
  }

  async function connect(signal: AbortSignal): Promise<void> {
    const me = await api.getMe(requestSignal(signal));
    bot = { id: me.id, ...(me.username ? { username: me.username } : {}) };
    if (options.mode === 'webhook') {
      const url = deps.webhookUrl();
      if (url === undefined) throw new Error('webhook mode: the gateway is not listening yet and channels.telegram.webhookUrl is not set');
      await api.setWebhook(url, { secret_token: options.webhookSecret as string, allowed_updates: [...ALLOWED_UPDATES] }, requestSignal(signal));
    } else {
      // getUpdates answers 409 while a webhook is set (e.g. left by an earlier webhook-mode run).
      await api.deleteWebhook({}, requestSignal(signal));
    }
  }

  async function poll(signal: AbortSignal, offset: number): Promise<number> {
    const updates = (await api.getUpdates({ offset, timeout: options.pollTimeoutSeconds, allowed_updates: [...ALLOWED_UPDATES] }, asGrammy(signal))) as TelegramUpdate[];
    let next = offset;
    for (const update of updates) {
      if (update.update_id < next) continue;
      await dispatch(update);
      next = update.update_id + 1;
      await deps.offsets.save((bot as BotIdentity).id, next);
    }
    return next;
  }

  async function run(current: ChannelHost, signal: AbortSignal): Promise<void> {
    const backoff = current.backoff({ baseMs: options.reconnectBaseMs, maxMs: options.reconnectMaxMs });
    let connected = false;
    let offset = 0;
    while (!signal.aborted) {
      try {
        if (!connected) {
          await connect(signal);
          connected = true;
          offset = Math.max(offset, await deps.offsets.load((bot as BotIdentity).id));
          connection.setState('connected');
          current.log.info({ bot: bot?.username, mode: options.mode }, 'telegram connected');
          if (options.mode === 'webhook') {
            backoff.reset();
            return;
          }
        }
        offset = await poll(signal, offset);
        // Reset only once a poll worked: a getMe that works before a 409 must not loop fast.
        backoff.reset();
      } catch (error) {
        if (signal.aborted) return;
        const failure = describeApiFailure(error, token);
        connected = false;
        await connection.retry(new Error(failure.message), {
          backoff, signal, retryAfterMs: failure.retryAfterMs, fields: { status: failure.status }, message: 'telegram connection failed; retrying',
        });
      }
    }
  }

  const connection = createConnectionLoop({ name: 'telegram', run, safeError: (error) => safeError(error, token) });

  return {
    id,
    maxMessageLength: 4096,
    normalizeId: normalizeTelegramId,
    get bot() {
      return bot;
    },
    async start(next) {
      const usernames = [...next.settings.allowFrom, ...next.settings.owners].filter((entry) => entry.startsWith('@'));
      if (usernames.length > 0) {
        next.log.warn({ entries: usernames }, 'channels.telegram allowFrom/owners take numeric Telegram user ids; "@username" entries never match (the pairing list shows ids)');
      }
      connection.start(next);
    },
    stop: () => connection.stop(),
    async send(target: ChannelTarget, text: string) {
      const signal = connection.signal;
      const ref = parseMessageRef(target.replyTo);
      const quote = ref !== undefined && !answered.has(target.replyTo as string);
      try {
        const message = await api.sendMessage(
          target.chatId,
          text,
          {
            // No preview fetch of URLs in model output unless asked (zero-click exfiltration).
            ...(options.linkPreviews ? {} : { link_preview_options: { is_disabled: true } }),
            ...(ref?.threadId === undefined ? {} : { message_thread_id: ref.threadId }),
            ...(quote ? { reply_parameters: { message_id: ref.messageId, allow_sending_without_reply: true } } : {}),
          },
          requestSignal(signal),
        );
        if (quote) markAnswered(target.replyTo as string);
        return { messageId: messageRef(message.chat.id, message.message_id, ref?.threadId) };
      } catch (error) {
        throw toSendError(error, token);
      }
    },
    maxMediaBytes: TELEGRAM_MAX_UPLOAD,
    /** sendPhoto for a JPEG/PNG/WebP within the photo limit (shown inline), sendDocument for the rest; multipart upload. */
    async sendMedia(target: ChannelTarget, attachment: OutboundAttachment) {
      const ref = parseMessageRef(target.replyTo);
      const quote = ref !== undefined && !answered.has(target.replyTo as string);
      const file = new InputFile(attachment.data, attachment.name);
      const other = {
        ...(attachment.caption ? { caption: attachment.caption.slice(0, CAPTION_MAX) } : {}),
        ...(ref?.threadId === undefined ? {} : { message_thread_id: ref.threadId }),
        ...(quote ? { reply_parameters: { message_id: ref.messageId, allow_sending_without_reply: true } } : {}),
      };
      const photo = attachment.kind === 'image' && PHOTO_TYPES.has(attachment.mimeType) && attachment.size <= PHOTO_MAX;
      try {
        const message = photo
          ? await api.sendPhoto(target.chatId, file, other, requestSignal(connection.signal))
          : await api.sendDocument(target.chatId, file, other, requestSignal(connection.signal));
        if (quote) markAnswered(target.replyTo as string);
        return { messageId: messageRef(message.chat.id, message.message_id, ref?.threadId) };
      } catch (error) {
        throw toSendError(error, token);
      }
    },
    async typing(target: ChannelTarget) {
      if (connection.state !== 'connected') return;
      const threadId = parseMessageRef(target.replyTo)?.threadId;
      try {
        await api.sendChatAction(target.chatId, 'typing', threadId === undefined ? {} : { message_thread_id: threadId }, requestSignal(connection.signal));
      } catch (error) {
        connection.host?.log.debug({ error: describeApiFailure(error, token).message }, 'telegram typing indicator failed');
      }
    },
    async webhookInfo(timeoutMs) {
      try {
        const info = await api.getWebhookInfo(asGrammy(AbortSignal.timeout(timeoutMs)));
        return {
          url: info.url ?? '',
          pendingUpdateCount: info.pending_update_count,
          ...(info.last_error_message ? { lastErrorMessage: info.last_error_message } : {}),
          ...(info.last_error_date ? { lastErrorDate: info.last_error_date * 1000 } : {}),
        };
      } catch (error) {
        throw safeError(error, token);
      }
    },
    async handleWebhookUpdate(update) {
      if (connection.host === undefined || bot === undefined) return false;
      await dispatch(update);
      return true;
    },
  };
}
