/**
 * Events mode's route on the gateway, `POST <eventsPath>` (public: Slack's signature is the
 * authentication), on the SDK's signed route (moltbot/plugin-sdk/channels): the raw body is capped
 * (`maxBodyBytes`, else 413), `X-Slack-Signature` must be the `v0` HMAC of
 * `v0:<X-Slack-Request-Timestamp>:<body>` under the signing secret (else 401, nothing
 * processed), a timestamp more than 5 minutes off is refused (401) and the same signed request
 * again is answered 200 and ignored; 503 while the channel is not running (Slack retries).
 * Then: `url_verification` gets its `challenge` back (the app's Request URL check);
 * `event_callback` goes to the adapter and is answered 200 once the service took it (Slack
 * wants an answer within 3 s; the agent's reply goes out later through the Web API). A retry
 * of an event Slack already delivered carries a new timestamp and signature: the channels
 * service drops it by message id.
 */
import type { HttpRouteRegistrar } from '../../sdk/core/index.ts';
import type { Logger } from '../../sdk/core/index.ts';
import { signedPostRoute } from '../../sdk/channels/index.ts';
import { sendJson } from '../../sdk/gateway/index.ts';
import type { SlackAdapter } from './adapter.ts';
import type { SlackOptions } from './options.ts';
import { SIGNATURE_HEADER, slackSignatureDigest, verifySlackRequest } from './signature.ts';

/** Slack's own rule: a request stamped more than 5 minutes from now is refused. */
export const REPLAY_WINDOW_MS = 5 * 60 * 1000;

export function registerEventsRoute(router: HttpRouteRegistrar, deps: { options: SlackOptions; adapter: SlackAdapter; log: Logger }): void {
  const { options, adapter, log } = deps;
  signedPostRoute(router, {
    path: options.eventsPath,
    channel: 'slack',
    maxBytes: options.maxBodyBytes,
    replayWindowMs: REPLAY_WINDOW_MS,
    signatureHeader: SIGNATURE_HEADER,
    replayKey: (req) => slackSignatureDigest(req.headers[SIGNATURE_HEADER]),
    verify: (req, body) => verifySlackRequest(req, body, options.signingSecret as string),
    host: () => adapter.host,
    log,
  }, async (accepted, res) => {
    let body: { type?: unknown; challenge?: unknown };
    try {
      body = JSON.parse(accepted.body.toString('utf8')) as typeof body;
    } catch {
      return sendJson(res, 400, { ok: false, error: 'the body is not JSON' });
    }
    if (body?.type === 'url_verification') {
      if (typeof body.challenge !== 'string' || body.challenge.length > 512) return sendJson(res, 400, { ok: false, error: 'bad challenge' });
      log.info('slack events request URL verified');
      return sendJson(res, 200, { challenge: body.challenge });
    }
    if (body?.type === 'app_rate_limited') {
      log.warn('Slack dropped events for this app (app_rate_limited: over 30,000 events per hour for a workspace)');
      return sendJson(res, 200, { ok: true });
    }
    try {
      if (!(await adapter.handlePayload(body))) {
        accepted.release();
        return sendJson(res, 503, { ok: false, error: 'the slack channel is not running' }, { 'Retry-After': '5' });
      }
    } catch (error) {
      accepted.release();
      log.error({ err: error }, 'slack events: the channels service failed to take an event');
      return sendJson(res, 500, { ok: false, error: 'internal error; see the gateway log' });
    }
    sendJson(res, 200, { ok: true });
  });
}
