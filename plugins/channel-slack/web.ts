/**
 * The Web API calls the channel makes, through `@slack/web-api`'s `WebClient` (loaded on first
 * use, off the start-up path): `auth.test` (who the bot is; the token's scopes), `chat.postMessage`,
 * `users.info` (display names, cached), the file upload flow. The client is built so that the channels service owns
 * retries: no retries of its own (`retries: 0`) and 429s thrown, not slept on
 * (`rejectRateLimitedCalls`), with `Retry-After` carried in the error.
 */
import type { LogLevel, Logger as SlackLogger, WebClient } from '@slack/web-api';
import type { Logger } from '../../sdk/core/index.ts';
import { httpSendError, postMultipart, type OutboundAttachment } from '../../sdk/channels/index.ts';
import { redactTokens } from './errors.ts';
import type { BotIdentity } from './events.ts';
import type { SlackOptions } from './options.ts';

let webApi: Promise<typeof import('@slack/web-api')> | undefined;
export const loadWebApi = () => (webApi ??= import('@slack/web-api'));

/**
 * `@slack/logger` → our log. The libraries log request bodies, envelopes and WebSocket
 * payloads (message text) at debug: dropped. Warnings and errors pass, token-redacted.
 */
export function slackLogger(log: Logger, tokens: readonly (string | undefined)[]): SlackLogger {
  const text = (parts: unknown[]) => redactTokens(parts.map((p) => (p instanceof Error ? p.message : String(p))).join(' '), tokens);
  return {
    debug() {},
    info() {},
    warn: (...parts: unknown[]) => log.warn({ slack: text(parts) }, 'slack client warning'),
    error: (...parts: unknown[]) => log.debug({ slack: text(parts) }, 'slack client error (handled by the channel)'),
    setLevel() {},
    getLevel: () => 'warn' as LogLevel,
    setName() {},
  };
}

/** Client options shared by the bot's client and the Socket Mode client's. */
export function clientOptions(options: SlackOptions, logger: SlackLogger) {
  return {
    slackApiUrl: options.apiUrl,
    logger,
    timeout: options.requestTimeoutMs,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    // Only method names: an absolute URL could send the token elsewhere.
    allowAbsoluteUrls: false,
  };
}

export interface AuthInfo extends BotIdentity {
  team?: string;
  /** Scopes of the bot token (`x-oauth-scopes`), when Slack sent them. */
  scopes?: string[];
}

export interface SlackWeb {
  authTest(): Promise<AuthInfo>;
  postMessage(args: { channel: string; text: string; threadTs?: string }): Promise<{ channel: string; ts: string }>;
  /** The user's display name, or undefined (cached; failures are cached briefly too). */
  userName(userId: string): Promise<string | undefined>;
  /**
   * Shares a file into a channel the current way (files.upload is retired): getUploadURLExternal,
   * the bytes POSTed to the one-use upload URL, then completeUploadExternal with the channel,
   * thread and caption. Needs the `files:write` scope.
   */
  uploadFile(args: { channel: string; threadTs?: string; file: OutboundAttachment }): Promise<{ fileId: string }>;
}

const NAME_CACHE_MAX = 1000;
const NAME_TTL_MS = 60 * 60 * 1000;
const NAME_FAILURE_TTL_MS = 5 * 60 * 1000;

export function createSlackWeb(options: SlackOptions, log: Logger): SlackWeb {
  let client: Promise<WebClient> | undefined;
  const web = () => (client ??= loadWebApi().then(({ WebClient }) => new WebClient(options.botToken, clientOptions(options, slackLogger(log, [options.botToken, options.appToken])))));
  const names = new Map<string, { name: string | undefined; until: number }>();
  return {
    async authTest() {
      const result = await (await web()).auth.test();
      const scopes = (result.response_metadata as { scopes?: string[] } | undefined)?.scopes;
      return {
        userId: String(result.user_id ?? ''),
        ...(result.bot_id ? { botId: String(result.bot_id) } : {}),
        ...(result.team_id ? { teamId: String(result.team_id) } : {}),
        ...(result.user ? { name: String(result.user) } : {}),
        ...(result.team ? { team: String(result.team) } : {}),
        ...(scopes ? { scopes } : {}),
      };
    },
    async postMessage({ channel, text, threadTs }) {
      const result = await (await web()).chat.postMessage({
        channel,
        text,
        mrkdwn: true,
        unfurl_links: options.unfurlLinks,
        unfurl_media: options.unfurlLinks,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
      return { channel: String(result.channel ?? channel), ts: String(result.ts ?? '') };
    },
    async uploadFile({ channel, threadTs, file }) {
      const client = await web();
      const slot = await client.files.getUploadURLExternal({ filename: file.name, length: file.size });
      const uploadUrl = String(slot.upload_url ?? '');
      const fileId = String(slot.file_id ?? '');
      if (!/^https?:\/\//.test(uploadUrl) || fileId === '') throw new Error('Slack files.getUploadURLExternal answered without an upload_url/file_id');
      // The upload URL is its own credential: no token goes with the bytes.
      const form = new FormData();
      form.append('file', new Blob([file.data as Uint8Array<ArrayBuffer>], { type: file.mimeType }), file.name);
      const uploaded = await postMultipart(uploadUrl, form, { timeoutMs: options.requestTimeoutMs, label: 'Slack file upload' });
      if (uploaded.status < 200 || uploaded.status >= 300) throw httpSendError('Slack file upload', uploaded);
      await client.files.completeUploadExternal({
        files: [{ id: fileId, title: file.name }],
        channel_id: channel,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...(file.caption ? { initial_comment: file.caption } : {}),
      } as Parameters<WebClient['files']['completeUploadExternal']>[0]);
      return { fileId };
    },
    async userName(userId) {
      const cached = names.get(userId);
      if (cached !== undefined && cached.until > Date.now()) return cached.name;
      let name: string | undefined;
      let ttl = NAME_TTL_MS;
      try {
        const result = await (await web()).users.info({ user: userId });
        const user = result.user as { name?: string; real_name?: string; profile?: { display_name?: string; real_name?: string } } | undefined;
        name = user?.profile?.display_name || user?.profile?.real_name || user?.real_name || user?.name || undefined;
      } catch (error) {
        ttl = NAME_FAILURE_TTL_MS;
        log.debug({ error: redactTokens(String((error as Error)?.message ?? error), [options.botToken]) }, 'slack users.info failed; the sender is shown by id');
      }
      names.delete(userId);
      names.set(userId, { name, until: Date.now() + ttl });
      if (names.size > NAME_CACHE_MAX) names.delete(names.keys().next().value as string);
      return name;
    },
  };
}
