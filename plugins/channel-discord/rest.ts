/**
 * A small Discord REST v10 client (fetch): `Authorization: Bot <token>`, a timeout per call,
 * and Discord's rate limits.
 *
 * Rate limits: each response names its bucket (`X-RateLimit-Bucket`) and what is left in it
 * (`X-RateLimit-Remaining`, `X-RateLimit-Reset-After` in seconds). Buckets are per route and per
 * major parameter (the channel id), so one busy channel never slows another. A call to an
 * exhausted bucket waits for its reset first (without a 429). A 429 that still happens (another
 * process on the same token, a shared or global limit) throws a retryable `DiscordApiError`
 * carrying `retry_after` (body, seconds with fractions; else the `Retry-After` header): the
 * channels service keeps the chunk queued and sends it again after that wait, once. A global
 * 429 holds every call until it passes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DiscordApiError, redactToken } from './errors.ts';

interface BucketState {
  remaining: number;
  resetAt: number;
}

export interface RestRequest {
  method: 'GET' | 'POST';
  /** Path under /v10, e.g. `/channels/123/messages`. */
  path: string;
  /** The route with its ids as placeholders, for messages and bucket keys: `/channels/{id}/messages`. */
  route: string;
  /** The major parameter (channel id) that splits a bucket. */
  major?: string;
  body?: unknown;
  /** A multipart body instead of JSON (file uploads: `payload_json` + `files[n]`). */
  form?: FormData;
  signal: AbortSignal;
}

/** Longest proactive wait for an exhausted bucket inside one call; longer ones become a retryable error. */
const MAX_INLINE_WAIT_MS = 10_000;

export class DiscordRest {
  readonly #base: string;
  readonly #token: string;
  readonly #timeoutMs: number;
  /** `METHOD route` → bucket hash Discord reported for it. */
  readonly #routeBuckets = new Map<string, string>();
  /** `hash:major` → what is left. */
  readonly #buckets = new Map<string, BucketState>();
  #globalUntil = 0;

  constructor(apiBaseUrl: string, token: string, timeoutMs: number) {
    this.#base = `${apiBaseUrl.replace(/\/+$/, '')}/v10`;
    this.#token = token;
    this.#timeoutMs = timeoutMs;
  }

  #bucketKey(request: RestRequest): string | undefined {
    const hash = this.#routeBuckets.get(`${request.method} ${request.route}`);
    return hash === undefined ? undefined : `${hash}:${request.major ?? ''}`;
  }

  async #waitForBucket(request: RestRequest): Promise<void> {
    const key = this.#bucketKey(request);
    const bucket = key === undefined ? undefined : this.#buckets.get(key);
    const until = Math.max(this.#globalUntil, bucket !== undefined && bucket.remaining <= 0 ? bucket.resetAt : 0);
    const wait = until - Date.now();
    if (wait <= 0) return;
    if (wait > MAX_INLINE_WAIT_MS) {
      throw new DiscordApiError(`Discord ${request.method} ${request.route}: rate limit bucket exhausted for ${Math.ceil(wait / 1000)} s`, { status: 429, retryAfterMs: wait, retryable: true });
    }
    await sleep(wait, undefined, { signal: request.signal });
  }

  #remember(request: RestRequest, headers: Headers): void {
    const hash = headers.get('x-ratelimit-bucket');
    if (hash === null) return;
    this.#routeBuckets.set(`${request.method} ${request.route}`, hash);
    const remaining = Number(headers.get('x-ratelimit-remaining'));
    const resetAfter = Number(headers.get('x-ratelimit-reset-after'));
    if (Number.isFinite(remaining) && Number.isFinite(resetAfter)) {
      this.#buckets.set(`${hash}:${request.major ?? ''}`, { remaining, resetAt: Date.now() + resetAfter * 1000 });
    }
    // Forget buckets long past their reset so the map does not grow with every channel seen.
    if (this.#buckets.size > 1000) {
      for (const [key, state] of this.#buckets) if (state.resetAt < Date.now()) this.#buckets.delete(key);
    }
  }

  async request<T>(request: RestRequest): Promise<T> {
    await this.#waitForBucket(request);
    const what = `Discord ${request.method} ${request.route}`;
    let response: Response;
    try {
      response = await fetch(`${this.#base}${request.path}`, {
        method: request.method,
        headers: {
          authorization: `Bot ${this.#token}`,
          'user-agent': 'DiscordBot (https://github.com/moltbot/moltbot, 1.0.0)',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        // fetch writes the multipart boundary itself.
        ...(request.form === undefined ? {} : { body: request.form }),
        signal: AbortSignal.any([request.signal, AbortSignal.timeout(this.#timeoutMs)]),
      });
    } catch (error) {
      const cause = error instanceof Error ? `${error.message}${(error.cause as Error | undefined)?.message ? `: ${(error.cause as Error).message}` : ''}` : String(error);
      throw new DiscordApiError(redactToken(`${what} failed: ${cause}`, this.#token), { retryable: true });
    }
    this.#remember(request, response.headers);
    const text = await response.text().catch(() => '');
    let body: Record<string, unknown> | undefined;
    try {
      body = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      body = undefined;
    }
    if (response.ok) return (response.status === 204 ? undefined : body) as T;
    const status = response.status;
    const detail = typeof body?.['message'] === 'string' ? (body['message'] as string) : response.statusText;
    if (status === 429) {
      const fromBody = typeof body?.['retry_after'] === 'number' ? (body['retry_after'] as number) : undefined;
      const fromHeader = Number(response.headers.get('retry-after'));
      const seconds = fromBody ?? (Number.isFinite(fromHeader) ? fromHeader : 1);
      const retryAfterMs = Math.max(1, Math.ceil(seconds * 1000));
      const global = body?.['global'] === true || response.headers.get('x-ratelimit-global') !== null;
      if (global) this.#globalUntil = Date.now() + retryAfterMs;
      throw new DiscordApiError(redactToken(`${what} failed: 429 ${detail} (retry after ${seconds} s${global ? ', global' : ''})`, this.#token), { status, retryAfterMs, retryable: true });
    }
    const hint = status === 401 ? ' (the bot token is invalid or was reset: set channels.discord.botToken to the current token)' : '';
    // Discord's JSON error code (50013 Missing Permissions, 10003 Unknown Channel...) names the cause; 0 says nothing.
    const code = typeof body?.['code'] === 'number' && body['code'] !== 0 ? ` [code ${body['code']}]` : '';
    // Some bodies already start with the status ("401: Unauthorized"): do not say it twice.
    const said = detail.startsWith(`${status}:`) ? detail : `${status} ${detail}`;
    throw new DiscordApiError(redactToken(`${what} failed: ${said}${code}${hint}`, this.#token), { status, retryable: status >= 500 });
  }
}
