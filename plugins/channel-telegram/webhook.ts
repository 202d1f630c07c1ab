/**
 * Webhook mode's HTTP route on the gateway (`POST <webhookPath>`, public: Telegram carries no
 * gateway credential). A request counts only when its `X-Telegram-Bot-Api-Secret-Token` header
 * equals `webhookSecret` (compared in constant time); anything else is a 401 and nothing is
 * processed. The answer is 200 once the channels service took the update (not when the agent
 * replied), so Telegram does not redeliver it; 503 while the channel is not running, so it does.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRouteDefinition } from '../../sdk/core/index.ts';
import type { TelegramUpdate } from './normalize.ts';

const MAX_BODY = 1024 * 1024;
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

function sameSecret(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function answer(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

async function readUpdate(req: IncomingMessage): Promise<TelegramUpdate | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    const update = JSON.parse(Buffer.concat(chunks).toString('utf8')) as TelegramUpdate;
    return typeof update === 'object' && update !== null && Number.isSafeInteger(update.update_id) ? update : undefined;
  } catch {
    return undefined;
  }
}

export interface WebhookRouteOptions {
  path: string;
  secret: string;
  /** Hands the update on; false when the channel is not running. */
  handle(update: TelegramUpdate): Promise<boolean>;
  onRejected(reason: string): void;
}

export function webhookRoute(options: WebhookRouteOptions): HttpRouteDefinition {
  return {
    method: 'POST',
    path: options.path,
    public: true,
    async handler(req, res) {
      if (!sameSecret(req.headers[SECRET_HEADER], options.secret)) {
        options.onRejected('missing or wrong secret token');
        req.resume();
        return answer(res, 401, { ok: false, error: 'unauthorized' });
      }
      const update = await readUpdate(req);
      if (update === undefined) {
        options.onRejected('body is not a Telegram update (JSON with update_id, at most 1 MiB)');
        return answer(res, 400, { ok: false, error: 'bad update' });
      }
      if (!(await options.handle(update))) return answer(res, 503, { ok: false, error: 'channel not running' });
      answer(res, 200, { ok: true });
    },
  };
}
