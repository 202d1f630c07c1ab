/**
 * `POST {path}` (public: the signature is the authentication): signed JSON message in, 202 once
 * the `channels` service took it (the reply comes later through the callback), 200 for a
 * duplicate, 400 for a malformed body, 401 for a bad signature or a stale timestamp (nothing
 * processed), 503 while the channel is not running.
 */
import type { HttpRouteRegistrar } from '../../core/hook-types.ts';
import type { Logger } from '../../core/log.ts';
import { createReplayGuard } from '../channels-http/replay-guard.ts';
import { acceptSigned } from '../channels-http/signed-route.ts';
import { sendJson } from '../gateway/http-routes.ts';
import type { WebhookAdapter } from './adapter.ts';
import { parseInbound, SIGNATURE_HEADER, verifySigned } from './protocol.ts';
import type { WebhookSettings } from './settings.ts';

export function registerWebhookRoute(router: HttpRouteRegistrar, deps: { settings: WebhookSettings; adapter: WebhookAdapter; log: Logger }): void {
  const { settings, adapter, log } = deps;
  const replay = createReplayGuard({ windowMs: settings.replayWindowMs });
  router.route({
    method: 'POST',
    path: settings.path,
    public: true,
    async handler(req, res) {
      const accepted = await acceptSigned(req, res, {
        maxBytes: settings.maxBodyBytes,
        verify: (request, body) => verifySigned(request.headers, settings.secret, body),
        replay,
        replayKey: (request) => String(request.headers[SIGNATURE_HEADER]),
        log,
        channel: 'webhook',
      });
      if (accepted === undefined) return;
      let parsed: ReturnType<typeof parseInbound>;
      try {
        parsed = parseInbound(JSON.parse(accepted.body.toString('utf8')));
      } catch {
        parsed = { error: 'the body is not JSON' };
      }
      if ('error' in parsed) return sendJson(res, 400, { ok: false, error: parsed.error });
      const host = adapter.host;
      if (host === undefined) {
        accepted.release();
        return sendJson(res, 503, { ok: false, error: 'the webhook channel is not running' }, { 'Retry-After': '5' });
      }
      try {
        const outcome = await host.receive({ ...parsed.message, receivedAt: Date.now() });
        if (outcome.status === 'duplicate') return sendJson(res, 200, { ok: true, status: 'duplicate' });
        // The pairing code itself goes to the sender through the callback, never in this answer.
        sendJson(res, 202, { ok: true, status: outcome.status });
      } catch (error) {
        accepted.release();
        log.error({ err: error }, 'webhook channel: the channels service failed to take a message');
        sendJson(res, 500, { ok: false, error: 'internal error; see the gateway log' });
      }
    },
  });
}
