/** `channels.webhook` → the adapter's settings, checked against `schemas/plugins/channel-webhook.json`. */
import validate from '../../schemas/generated/channel-webhook.validate.ts';
import { checkChannelSection } from '../channels-http/config-section.ts';

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
  const copy = checkChannelSection(validate, section, 'webhook', 'channel-webhook');
  return {
    secret: copy.secret as string,
    callbackUrl: copy.callbackUrl as string,
    path: copy.path as string,
    replayWindowMs: copy.replayWindowMs as number,
    maxMessageLength: copy.maxMessageLength as number,
    requestTimeoutMs: copy.requestTimeoutMs as number,
    degradeAfter: copy.degradeAfter as number,
    maxBodyBytes: copy.maxBodyBytes as number,
  };
}
