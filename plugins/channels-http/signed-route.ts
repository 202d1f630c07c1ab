/**
 * The front half of every signed webhook route: read the raw body (capped), check the
 * signature, refuse stale or replayed requests. Whatever it refuses it also answers (413, 401,
 * or 200 for a replay, so a sender that retried does not retry again); what it accepts comes
 * back with `release()`, to call when processing failed so the sender's retry gets through.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../core/log.ts';
import { sendJson } from '../gateway/http-routes.ts';
import { BodyTooLargeError, readRawBody } from './raw-body.ts';
import type { ReplayGuard } from './replay-guard.ts';

export interface SignedRouteOptions {
  maxBytes: number;
  /** Whether the request's signature covers `body`; `timestampMs` is set when the scheme signs one. */
  verify(req: IncomingMessage, body: Buffer): { ok: boolean; timestampMs?: number };
  replay: ReplayGuard;
  /** What identifies this exact request (its signature header, usually). */
  replayKey(req: IncomingMessage): string;
  log: Logger;
  channel: string;
}

export interface AcceptedRequest {
  body: Buffer;
  release(): void;
}

export async function acceptSigned(req: IncomingMessage, res: ServerResponse, options: SignedRouteOptions): Promise<AcceptedRequest | undefined> {
  let body: Buffer;
  try {
    body = await readRawBody(req, options.maxBytes);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    options.log.debug({ channel: options.channel, limit: error.limit }, 'webhook refused: body too large');
    sendJson(res, 413, { ok: false, error: `body over ${error.limit} bytes` }, { Connection: 'close' });
    return undefined;
  }
  const verdict = options.verify(req, body);
  if (!verdict.ok) {
    options.log.debug({ channel: options.channel, ip: req.socket.remoteAddress }, 'webhook refused: missing or invalid signature');
    sendJson(res, 401, { ok: false, error: 'missing or invalid signature' });
    return undefined;
  }
  const key = options.replayKey(req);
  const replay = options.replay.check(key, verdict.timestampMs);
  if (replay === 'stale') {
    options.log.debug({ channel: options.channel, timestampMs: verdict.timestampMs }, 'webhook refused: timestamp outside the replay window');
    sendJson(res, 401, { ok: false, error: 'timestamp outside the replay window' });
    return undefined;
  }
  if (replay === 'replayed') {
    options.log.debug({ channel: options.channel }, 'webhook ignored: the same signed request was already processed');
    sendJson(res, 200, { ok: true, status: 'duplicate' });
    return undefined;
  }
  return { body, release: () => options.replay.forget(key) };
}
