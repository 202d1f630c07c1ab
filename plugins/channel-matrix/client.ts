/**
 * A minimal Matrix Client-Server API v3 client over `fetch`: the handful of endpoints the
 * channel uses, nothing else. The access token travels only in the `Authorization` header
 * (never in a URL, so it cannot end up in an error message or a proxy log line), and every
 * failure becomes a `MatrixApiError` with the homeserver's `errcode` and, for 429, the wait
 * it asked for (`retry_after_ms` in the body, or the `Retry-After` header of newer servers).
 */
import { causeText } from '../../sdk/channels/index.ts';

export class MatrixApiError extends Error {
  /** HTTP status; undefined for network failures and timeouts. */
  readonly status: number | undefined;
  /** Matrix `errcode` (M_LIMIT_EXCEEDED, M_UNKNOWN_TOKEN, M_FORBIDDEN...). */
  readonly errcode: string | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, details: { status?: number; errcode?: string; retryAfterMs?: number }) {
    super(message);
    this.name = 'MatrixApiError';
    this.status = details.status;
    this.errcode = details.errcode;
    this.retryAfterMs = details.retryAfterMs;
  }
}

export interface MatrixClientOptions {
  homeserverUrl: string;
  accessToken: string;
  requestTimeoutMs: number;
}

export interface SyncParams {
  since?: string;
  timeoutMs: number;
}

const enc = encodeURIComponent;

function retryAfter(body: Record<string, unknown>, header: string | null): number | undefined {
  if (typeof body['retry_after_ms'] === 'number' && body['retry_after_ms'] >= 0) return body['retry_after_ms'];
  if (header !== null && /^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  return undefined;
}

export class MatrixClient {
  readonly #base: string;
  readonly #token: string;
  readonly #timeoutMs: number;

  constructor(options: MatrixClientOptions) {
    this.#base = options.homeserverUrl.replace(/\/+$/, '');
    this.#token = options.accessToken;
    this.#timeoutMs = options.requestTimeoutMs;
  }

  /** One request; `label` names it in errors (e.g. "sync", "send"). */
  async request<T>(label: string, method: string, path: string, body: unknown, signal: AbortSignal, timeoutMs = this.#timeoutMs): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.#token}`, Accept: 'application/json' };
    // A Blob is an upload's raw bytes (typed by the Blob); anything else is a JSON body.
    const raw = body instanceof Blob;
    if (body !== undefined) headers['Content-Type'] = raw ? body.type || 'application/octet-stream' : 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.#base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: raw ? body : JSON.stringify(body) }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        redirect: 'error',
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new MatrixApiError(`Matrix ${label} failed: ${timedOut ? `no answer within ${timeoutMs} ms` : causeText(error)}`, {});
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new MatrixApiError(`Matrix ${label} failed while reading the answer: ${causeText(error)}`, { status: response.status });
    }
    let parsed: Record<string, unknown> | undefined;
    try {
      const value = JSON.parse(text) as unknown;
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) parsed = value as Record<string, unknown>;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const errcode = typeof parsed?.['errcode'] === 'string' ? parsed['errcode'] : undefined;
      const reason = typeof parsed?.['error'] === 'string' ? parsed['error'].slice(0, 300) : parsed === undefined ? 'not a Matrix answer (a proxy?)' : '';
      const wait = response.status === 429 ? retryAfter(parsed ?? {}, response.headers.get('retry-after')) : undefined;
      throw new MatrixApiError(`Matrix ${label} failed: ${response.status}${errcode ? ` ${errcode}` : ''}${reason ? ` ${reason}` : ''}`, {
        status: response.status,
        ...(errcode === undefined ? {} : { errcode }),
        ...(wait === undefined ? {} : { retryAfterMs: wait }),
      });
    }
    if (parsed === undefined) throw new MatrixApiError(`Matrix ${label} failed: the answer is not a JSON object`, { status: response.status });
    return parsed as T;
  }

  whoami(signal: AbortSignal): Promise<{ user_id: string; device_id?: string }> {
    return this.request('whoami', 'GET', '/_matrix/client/v3/account/whoami', undefined, signal);
  }

  profile(userId: string, signal: AbortSignal): Promise<{ displayname?: string }> {
    return this.request('profile', 'GET', `/_matrix/client/v3/profile/${enc(userId)}`, undefined, signal);
  }

  sync(params: SyncParams, signal: AbortSignal): Promise<SyncResponse> {
    const query = new URLSearchParams({ timeout: String(params.timeoutMs) });
    if (params.since !== undefined) query.set('since', params.since);
    // The homeserver may hold the request for timeoutMs; the client waits that plus its own margin.
    return this.request('sync', 'GET', `/_matrix/client/v3/sync?${query}`, undefined, signal, params.timeoutMs + this.#timeoutMs);
  }

  join(roomId: string, signal: AbortSignal): Promise<{ room_id: string }> {
    return this.request('join', 'POST', `/_matrix/client/v3/join/${enc(roomId)}`, {}, signal);
  }

  /** Idempotent per txnId: the homeserver answers a repeated txnId with the first event id. */
  send(roomId: string, txnId: string, content: Record<string, unknown>, signal: AbortSignal): Promise<{ event_id: string }> {
    return this.request('send', 'PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/send/m.room.message/${enc(txnId)}`, content, signal);
  }
  /** Stores bytes in the media repository; the `mxc://` URI goes into an m.image / m.file event. */
  upload(data: Uint8Array, contentType: string, filename: string, signal: AbortSignal): Promise<{ content_uri: string }> {
    return this.request('upload', 'POST', `/_matrix/media/v3/upload?filename=${enc(filename)}`, new Blob([data as Uint8Array<ArrayBuffer>], { type: contentType }), signal);
  }


  typing(roomId: string, userId: string, timeoutMs: number, signal: AbortSignal): Promise<unknown> {
    return this.request('typing', 'PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/typing/${enc(userId)}`, { typing: true, timeout: timeoutMs }, signal);
  }
}

// --- /sync response shapes (only the fields the channel reads) ---

export interface MatrixEvent {
  type: string;
  event_id?: string;
  sender?: string;
  state_key?: string;
  origin_server_ts?: number;
  content?: Record<string, unknown>;
}

export interface JoinedRoom {
  summary?: { 'm.joined_member_count'?: number; 'm.invited_member_count'?: number };
  state?: { events?: MatrixEvent[] };
  timeline?: { events?: MatrixEvent[]; limited?: boolean };
}

export interface SyncResponse {
  next_batch: string;
  account_data?: { events?: MatrixEvent[] };
  rooms?: {
    join?: Record<string, JoinedRoom>;
    invite?: Record<string, { invite_state?: { events?: MatrixEvent[] } }>;
    leave?: Record<string, unknown>;
  };
}
