/**
 * `Retry-After` (seconds or HTTP date) or `retry-after-ms`, in ms; undefined when absent or
 * unreadable. The same rule as the agent's model errors (plugins/agent/model-error.ts), which
 * the SDK may not import; one of the two goes when that helper is in the SDK.
 */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (headers === undefined) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
