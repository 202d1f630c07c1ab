/**
 * `channels.whatsapp` → the adapter's settings. The platform keys (the plugin's options) are
 * checked against `schemas/plugins/channel-whatsapp.json` (errors name `channels.whatsapp.<key>`),
 * every `allowFrom` / `owners` entry of the section must be an E.164 number, and the four
 * credentials come from the options or, when the section leaves them out (the deployment
 * guide's sample does), from WHATSAPP_PHONE_NUMBER_ID / WHATSAPP_ACCESS_TOKEN /
 * WHATSAPP_APP_SECRET / WHATSAPP_VERIFY_TOKEN. Credentials are resolved when first needed (the
 * gateway's start), so CLI commands that only set plugins up (`moltbot pairing approve` in a
 * shell without those variables) still work.
 */
import validate from '../../schemas/generated/channel-whatsapp.validate.ts';
import { MoltbotError } from '../../sdk/core/index.ts';
import { checkChannelSection } from '../../sdk/channels/index.ts';
import { isE164, normalizePhone } from './phone.ts';

export const BASE_PATH = 'channels.whatsapp';

export interface WhatsAppCredentials {
  phoneNumberId: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
}

export interface WhatsAppSettings {
  /** Throws MOLT_ERR_CONFIG_INVALID naming the missing key and its variable; memoized. */
  credentials(): WhatsAppCredentials;
  apiBaseUrl: string;
  apiVersion: string;
  webhookPath: string;
  markRead: boolean;
  requestTimeoutMs: number;
  degradeAfter: number;
  maxBodyBytes: number;
  /** Messages stamped longer ago than this are dropped (replay horizon across restarts). */
  maxMessageAgeMs: number;
}

const CREDENTIALS = [
  ['phoneNumberId', 'WHATSAPP_PHONE_NUMBER_ID', 'the phone number id from WhatsApp Manager → API Setup'],
  ['accessToken', 'WHATSAPP_ACCESS_TOKEN', 'a system-user access token with the whatsapp_business_messaging permission'],
  ['appSecret', 'WHATSAPP_APP_SECRET', 'the app secret from the Meta app dashboard (App settings → Basic)'],
  ['verifyToken', 'WHATSAPP_VERIFY_TOKEN', 'any long random string, typed again when you subscribe the webhook'],
] as const;

function invalid(message: string, path: string, fix: string): MoltbotError {
  return new MoltbotError('MOLT_ERR_CONFIG_INVALID', { message, path, plugin: 'channel-whatsapp', fix });
}

/** `options`: the platform keys; `section`: the whole `channels.whatsapp` (for its number lists). */
export function resolveWhatsAppSettings(options: unknown, section: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>): WhatsAppSettings {
  const copy = checkChannelSection(validate, options, 'whatsapp', 'channel-whatsapp');
  for (const key of ['allowFrom', 'owners'] as const) {
    const entries = Array.isArray(section[key]) ? (section[key] as unknown[]).filter((entry): entry is string => typeof entry === 'string') : [];
    entries.forEach((entry, index) => {
      const normalized = normalizePhone(entry);
      if (normalized === '*' && key === 'allowFrom') return;
      if (!isE164(normalized)) {
        throw invalid(
          `${BASE_PATH}.${key}[${index}] is not a phone number in E.164 form (got ${JSON.stringify(entry)})`,
          `${BASE_PATH}.${key}[${index}]`,
          'Write the number with its country code, e.g. "+1234567890" or "+44 20 7946 0958" (7 to 15 digits; spaces, dashes and parentheses are ignored)' + (key === 'allowFrom' ? ', or "*" for anyone.' : '.'),
        );
      }
    });
  }
  let credentials: WhatsAppCredentials | undefined;
  const resolveCredentials = (): WhatsAppCredentials => {
    if (credentials !== undefined) return credentials;
    const found: Record<string, string> = {};
    for (const [key, variable, what] of CREDENTIALS) {
      const value = (copy[key] as string | undefined) ?? env[variable];
      if (value === undefined || value === '') {
        throw invalid(`${BASE_PATH}.${key} is missing (and ${variable} is not set)`, `${BASE_PATH}.${key}`, `Add "${key}": "\${${variable}}" to channels.whatsapp and export ${variable} (${what}).`);
      }
      found[key] = value;
    }
    if (!/^[0-9]{1,32}$/.test(found.phoneNumberId!)) {
      throw invalid(`${BASE_PATH}.phoneNumberId must be the numeric phone number id`, `${BASE_PATH}.phoneNumberId`, 'Copy the "Phone number ID" (digits only) from WhatsApp Manager → API Setup; it is not the phone number itself.');
    }
    return (credentials = found as unknown as WhatsAppCredentials);
  };
  const { phoneNumberId: _p, accessToken: _a, appSecret: _s, verifyToken: _v, ...rest } = copy;
  // The schema fills every other key's default.
  return { ...rest, credentials: resolveCredentials, apiBaseUrl: (copy.apiBaseUrl as string).replace(/\/+$/, '') } as unknown as WhatsAppSettings;
}
