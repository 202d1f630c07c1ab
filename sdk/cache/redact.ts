/**
 * Error text from stores can carry what the operator configured (a Redis URL with its
 * password, a host name): every message the cache logs, alerts or reports goes through here.
 */
import { REDACTED as MASK } from '../core/index.ts';

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : String(error);
}

/** Replaces each secret (and a URL's password part) with a mask. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    out = out.split(secret).join(MASK);
    const password = passwordOf(secret);
    if (password) out = out.split(password).join(MASK);
  }
  // Any URL credentials the store put in a message, configured or not.
  return out.replace(/(\w+:\/\/)[^\s/@]*@/g, `$1${MASK}@`);
}

function passwordOf(candidate: string): string | undefined {
  if (!/^\w+:\/\//.test(candidate)) return undefined;
  try {
    const url = new URL(candidate);
    const password = decodeURIComponent(url.password);
    return password.length > 0 ? password : undefined;
  } catch {
    return undefined;
  }
}
