/**
 * An error's message with up to three causes and their codes (`fetch failed: connect
 * ECONNREFUSED 127.0.0.1:1 (ECONNREFUSED)`): what a channel shows in its status when a platform
 * request fails, where the outer message alone ("fetch failed") says nothing.
 */
export function causeText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${current.message} (${code})` : current.message);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(': ');
}
