/**
 * A signed webhook route (public: the signature is its authentication). Before the channel's
 * own handler runs, the raw body is read (capped), the signature checked, stale or replayed
 * requests refused, and the channel must be running. What it refuses it also answers: 413,
 * 401 (bad signature or stale timestamp: nothing processed), 200 for a replay (so a sender that
 * retried does not retry again), 503 while the channel is stopped or its replay memory cannot
 * answer (Redis down: `code` and `retryAfterMs` in the body, `Retry-After`). The replay memory is
 * the channel host's `seen` store (persisted under the state dir, or shared through Redis in a
 * cluster): a restart or another instance does not make a captured request new again. The
 * handler gets `release()`, to call when processing failed so the sender's retry gets through; a
 * handler that throws is released for it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isMoltbotError, type HttpRouteRegistrar, type Logger } from '../core/index.ts';
import { sendJson } from '../gateway/index.ts';
import type { ChannelHost } from './contract.ts';
import { BodyTooLargeError, readRawBody } from './raw-body.ts';
import { createReplayGuard } from './replay-guard.ts';
import { storeUnavailable } from './seen-store.ts';
import { signatureDigest } from './signature.ts';

export interface SignedRouteOptions {
  path: string;
  channel: string;
  maxBytes: number;
  /** How long a request is remembered (and, when signed with a timestamp, how far it may be off). */
  replayWindowMs: number;
  /** The header carrying the `sha256=<hex>` signature; its digest (canonical, lower-case) identifies the request for the replay guard. */
  signatureHeader: string;
  /**
   * The replay-guard key of a request whose signature is not written `sha256=<hex>` (Slack's
   * `v0=<hex>`): its digest in one canonical form, undefined when malformed. Default: the
   * `sha256=` digest of `signatureHeader`.
   */
  replayKey?(req: IncomingMessage): string | undefined;
  /** Whether the signature covers `body`; `timestampMs` is set when the scheme signs one. */
  verify(req: IncomingMessage, body: Buffer): { ok: boolean; timestampMs?: number };
  /** The running channel's host; undefined while stopped. */
  host(): ChannelHost | undefined;
  log: Logger;
}

export interface SignedRequest {
  body: Buffer;
  host: ChannelHost;
  /** Forget this request in the replay guard (processing failed; let the sender retry). */
  release(): void;
}

/**
 * 503 with `code` and `retryAfterMs` (and `Retry-After`) when `error` says a store the request
 * needs is down; false for any other error (the caller answers it).
 */
export function answerUnavailable(res: ServerResponse, error: unknown): boolean {
  if (!isMoltbotError(error, 'MOLT_ERR_STORE_UNAVAILABLE')) return false;
  const retryAfterMs = typeof error.data?.retryAfterMs === 'number' ? error.data.retryAfterMs : 2000;
  sendJson(res, 503, { ok: false, error: error.message, code: error.code, retryAfterMs }, { 'Retry-After': String(Math.ceil(retryAfterMs / 1000)) });
  return true;
}

export function signedPostRoute(router: HttpRouteRegistrar, options: SignedRouteOptions, handle: (request: SignedRequest, res: ServerResponse) => Promise<void>): void {
  const refuse = (res: ServerResponse, status: number, error: string, why: Record<string, unknown>, headers: Record<string, string> = {}) => {
    options.log.debug({ channel: options.channel, status, ...why }, `webhook refused: ${error}`);
    sendJson(res, status, { ok: status < 300, ...(status < 300 ? { status: 'duplicate' } : { error }) }, headers);
  };
  router.route({
    method: 'POST',
    path: options.path,
    public: true,
    async handler(req, res) {
      let body: Buffer;
      try {
        body = await readRawBody(req, options.maxBytes);
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        return refuse(res, 413, `body over ${error.limit} bytes`, {}, { Connection: 'close' });
      }
      const verdict = options.verify(req, body);
      // Keyed on the digest, not the raw header: the same signature in upper-case hex is the same request.
      const key = options.replayKey ? options.replayKey(req) : signatureDigest(req.headers[options.signatureHeader]);
      if (!verdict.ok || key === undefined) return refuse(res, 401, 'missing or invalid signature', { ip: req.socket.remoteAddress });
      const host = options.host();
      if (host === undefined) return refuse(res, 503, `the ${options.channel} channel is not running`, {}, { 'Retry-After': '5' });
      const replay = createReplayGuard({ windowMs: options.replayWindowMs, store: host.seen });
      const replayKey = `replay:${key}`;
      let seen;
      try {
        seen = await replay.check(replayKey, verdict.timestampMs);
      } catch (error) {
        // Fail closed: without its memory a captured request could run twice.
        options.log.warn({ channel: options.channel, err: error }, 'webhook refused: the replay memory is unavailable');
        return answerUnavailable(res, storeUnavailable(error));
      }
      if (seen === 'stale') return refuse(res, 401, 'timestamp outside the replay window', { timestampMs: verdict.timestampMs });
      if (seen === 'replayed') return refuse(res, 200, 'the same signed request was already processed', {});
      const release = () => void replay.forget(replayKey).catch(() => undefined);
      try {
        await handle({ body, host, release }, res);
      } catch (error) {
        // Unanswered, the claim would turn the sender's retry into a "duplicate": the message lost.
        release();
        throw error;
      }
    },
  });
}
