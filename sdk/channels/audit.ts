/**
 * Security-audit findings the HTTP channels share (`moltbot security audit`): a channel secret
 * that is also the gateway's password or token (one leak opens both doors), and a URL that
 * sends credentials or conversation text over plain HTTP to another machine.
 */
import type { Check } from '../core/index.ts';
import { safeEqualSecret } from '../gateway/index.ts';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** True for `http://` to anything but this machine. */
export function plainRemoteHttp(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' && !LOOPBACK.test(parsed.hostname);
  } catch {
    return false;
  }
}

/** Whether `value` is the gateway's password or token. */
export function reusesGatewaySecret(value: string, config: Readonly<Record<string, any>>): boolean {
  const auth = (config.gateway?.auth ?? {}) as { password?: unknown; token?: unknown };
  return safeEqualSecret(value, auth.password) || safeEqualSecret(value, auth.token);
}

/** The findings for one channel: `secrets` by config key, `urls` by config key. */
export function channelHttpChecks(channel: string, config: Readonly<Record<string, any>>, secrets: Record<string, string>, urls: Record<string, string>): Check[] {
  const checks: Check[] = [];
  for (const [key, value] of Object.entries(secrets)) {
    if (!reusesGatewaySecret(value, config)) continue;
    checks.push({
      id: `channels.${channel}.${key}.reuses_gateway_secret`,
      severity: 'critical',
      title: `channels.${channel}.${key} is the gateway's password or token`,
      description: `Whoever holds the ${channel} ${key} (a webhook sender, a platform dashboard) can also log in to the gateway as its owner.`,
      recommendation: `Give channels.${channel}.${key} its own random value (e.g. \`openssl rand -hex 32\`).`,
    });
  }
  for (const [key, url] of Object.entries(urls)) {
    if (!plainRemoteHttp(url)) continue;
    checks.push({
      id: `channels.${channel}.${key}.plain_http`,
      severity: 'warning',
      title: `channels.${channel}.${key} uses plain HTTP to another machine`,
      description: 'Messages (and, for an API, the access token) cross the network unencrypted.',
      recommendation: `Use an https:// URL for channels.${channel}.${key}.`,
    });
  }
  return checks;
}
