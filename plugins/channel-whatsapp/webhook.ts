/**
 * The webhook route Meta calls (public: the signature is the authentication).
 *   GET  ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…  → 200 with the challenge, else 403
 *   POST event JSON signed with `X-Hub-Signature-256`             → 200 once processed; 401 bad
 *        signature (nothing processed); 503 while the channel is not running (Meta retries)
 * Messages go to the `channels` service one by one (it dedupes message ids); delivery receipts
 * are ignored except `failed`, which is logged and counted as a final delivery failure.
 * Freshness: the replay guard and the id dedupe are persisted (state dir, or Redis in a
 * cluster) for their window, so a restart does not make a captured signed POST new again; on
 * top of that a message whose own `timestamp` is
 * older than `maxMessageAgeMs` (or that has none: Meta always sends one) is dropped,
 * counted in `stale` and debug-logged, and the request still answered 200 so Meta stops.
 */
import type { HttpRouteRegistrar } from '../../sdk/core/index.ts';
import type { Logger } from '../../sdk/core/index.ts';
import { answerUnavailable, ChannelSendError, type DeliveryHealth, signedPostRoute, verifySignature, type WebhookAdapter } from '../../sdk/channels/index.ts';
import { safeEqualSecret, sendJson } from '../../sdk/gateway/index.ts';
import { parseEvents } from './events.ts';
import { whatsappMediaDownloader } from './media-download.ts';
import { normalizePhone } from './phone.ts';
import type { WhatsAppSettings } from './settings.ts';

/** Remember request signatures a day, or as long as messages are accepted when that is longer. */
const REPLAY_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface WebhookDeps {
  settings: WhatsAppSettings;
  adapter: WebhookAdapter;
  health: DeliveryHealth;
  /** Counters the plugin reports (`collectMetrics`): messages dropped as too old. */
  counters: { stale: number };
  log: Logger;
}

export function registerWhatsAppWebhook(router: HttpRouteRegistrar, deps: WebhookDeps): void {
  const { settings, adapter, log } = deps;
  // Images, voice notes and documents are fetched by the channels service's media kit through this.
  const downloadMedia = whatsappMediaDownloader(settings);
  router.route({
    method: 'GET',
    path: settings.webhookPath,
    public: true,
    handler(req, res) {
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      const challenge = query.get('hub.challenge') ?? '';
      if (query.get('hub.mode') !== 'subscribe' || !safeEqualSecret(query.get('hub.verify_token') ?? '', settings.credentials().verifyToken) || challenge.length > 256) {
        log.warn({ mode: query.get('hub.mode') }, 'WhatsApp webhook verification refused: wrong hub.verify_token or hub.mode');
        return sendJson(res, 403, { ok: false, error: 'verification failed' });
      }
      log.info('WhatsApp webhook verified by Meta');
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
      res.end(challenge);
    },
  });
  signedPostRoute(router, {
    path: settings.webhookPath,
    channel: 'whatsapp',
    maxBytes: settings.maxBodyBytes,
    replayWindowMs: Math.max(REPLAY_WINDOW_MS, settings.maxMessageAgeMs),
    signatureHeader: 'x-hub-signature-256',
    verify: (req, body) => ({ ok: verifySignature(req.headers['x-hub-signature-256'], settings.credentials().appSecret, body) }),
    host: () => adapter.host,
    log,
  }, async (accepted, res) => {
    const { host } = accepted;
    let body: unknown;
    try {
      body = JSON.parse(accepted.body.toString('utf8'));
    } catch {
      return sendJson(res, 400, { ok: false, error: 'the body is not JSON' });
    }
    const events = parseEvents(body, settings.credentials().phoneNumberId, normalizePhone, downloadMedia);
    const oldest = Date.now() - settings.maxMessageAgeMs;
    try {
      for (const message of events.messages) {
        if (message.receivedAt === undefined || message.receivedAt < oldest) {
          deps.counters.stale++;
          log.debug({ messageId: message.messageId, sentAt: message.receivedAt, maxMessageAgeMs: settings.maxMessageAgeMs }, 'WhatsApp message dropped: older than maxMessageAgeMs (or no timestamp)');
          continue;
        }
        await host.receive(message);
      }
    } catch (error) {
      // Let Meta redeliver: messages already taken are dropped then as duplicates by id.
      accepted.release();
      if (answerUnavailable(res, error)) return;
      log.error({ err: error }, 'WhatsApp webhook: the channels service failed to take a message');
      return sendJson(res, 500, { ok: false, error: 'internal error; see the gateway log' });
    }
    for (const status of events.statuses) {
      if (status.status !== 'failed') continue;
      const what = status.error ? `code ${status.error.code ?? '?'}: ${status.error.title ?? 'failed'}` : 'failed';
      deps.health.record(new ChannelSendError(`WhatsApp reported message ${status.messageId} undelivered (${what})`, { retryable: false }));
    }
    log.debug({ messages: events.messages.length, statuses: events.statuses.length, skipped: events.skipped }, 'WhatsApp webhook processed');
    sendJson(res, 200, { ok: true });
  });
}
