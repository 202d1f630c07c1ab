/** `channels.webhook` → the adapter's settings, checked against `schemas/plugins/channel-webhook.json`. */
import validate from '../../schemas/generated/channel-webhook.validate.ts';
import { checkChannelSection } from '../../sdk/channels/index.ts';

export interface WebhookSettings {
  secret: string;
  callbackUrl: string;
  path: string;
  replayWindowMs: number;
  maxMessageLength: number;
  requestTimeoutMs: number;
  degradeAfter: number;
  maxBodyBytes: number;
}

export function resolveWebhookSettings(section: unknown): WebhookSettings {
  // The schema requires secret and callbackUrl and fills every other key's default.
  return checkChannelSection(validate, section, 'webhook', 'channel-webhook') as unknown as WebhookSettings;
}
