/**
 * `POST {path}` (public: the signature is the authentication): signed JSON message in, 202 once
 * the `channels` service took it (the reply comes later through the callback), 200 for a
 * duplicate, 400 for a malformed body, 401 for a bad signature or a stale timestamp (nothing
 * processed), 503 while the channel is not running.
 */
import type { HttpRouteRegistrar } from '../../sdk/core/index.ts';
import type { Logger } from '../../sdk/core/index.ts';
import { answerUnavailable, signedPostRoute, type WebhookAdapter } from '../../sdk/channels/index.ts';
import { sendJson } from '../../sdk/gateway/index.ts';
import { parseInbound, SIGNATURE_HEADER, verifySigned } from './protocol.ts';
import type { WebhookSettings } from './settings.ts';

export function registerWebhookRoute(router: HttpRouteRegistrar, deps: { settings: WebhookSettings; adapter: WebhookAdapter; log: Logger }): void {
  const { settings, adapter, log } = deps;
  signedPostRoute(router, {
    path: settings.path,
    channel: 'webhook',
    maxBytes: settings.maxBodyBytes,
    replayWindowMs: settings.replayWindowMs,
    signatureHeader: SIGNATURE_HEADER,
    verify: (req, body) => verifySigned(req.headers, settings.secret, body),
    host: () => adapter.host,
    log,
  }, async (accepted, res) => {
    let parsed: ReturnType<typeof parseInbound>;
    try {
      parsed = parseInbound(JSON.parse(accepted.body.toString('utf8')));
    } catch {
      parsed = { error: 'the body is not JSON' };
    }
    if ('error' in parsed) return sendJson(res, 400, { ok: false, error: parsed.error });
    try {
      const outcome = await accepted.host.receive({ ...parsed.message, receivedAt: Date.now() });
      if (outcome.status === 'duplicate') return sendJson(res, 200, { ok: true, status: 'duplicate' });
      // The pairing code itself goes to the sender through the callback, never in this answer.
      sendJson(res, 202, { ok: true, status: outcome.status });
    } catch (error) {
      accepted.release();
      if (answerUnavailable(res, error)) return;
      log.error({ err: error }, 'webhook channel: the channels service failed to take a message');
      sendJson(res, 500, { ok: false, error: 'internal error; see the gateway log' });
    }
  });
}
