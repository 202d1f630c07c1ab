/** What the bot itself says on a channel: pairing, approval, a failed run. Short, and never a secret or an internal message. */
import { CODE_TTL_MS } from '../../sdk/channels/index.ts';
import { errorSpec } from '../../sdk/core/index.ts';

export function pairingCodeText(channel: string, code: string): string {
  return `Hi! I only talk to people my owner has approved. Your pairing code is ${code} (valid ${CODE_TTL_MS / 60_000} minutes). ` +
    `Ask my owner to run: moltbot pairing approve ${channel} ${code}`;
}

export function pairingApprovedText(): string {
  return 'You are approved: I will answer your messages from now on.';
}

/**
 * Only the error's code (e.g. TIMEOUT, MODELS_UNAVAILABLE) reaches the user, since a message may
 * hold internals — unless the error catalogue marks the code user-facing (a used-up budget).
 */
export function runFailedText(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && typeof message === 'string' && message !== '' && errorSpec(code).userFacing === true) {
    return message.charAt(0).toUpperCase() + message.slice(1);
  }
  const label = typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,40}$/.test(code) ? ` (${code})` : '';
  return `Sorry, I could not answer that${label}. Please try again later.`;
}
