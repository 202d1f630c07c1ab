/**
 * One webhook delivery: JSON POST, retried with exponential backoff on network errors,
 * timeouts, 429 and 5xx (never on other 4xx: the receiver refused it), optionally signed with
 * HMAC-SHA256 over `<timestamp>.<body>` so the receiver can check origin and freshness.
 */
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export interface WebhookSettings {
  url: string;
  secret?: string;
  retries: number;
  backoffMs: number;
  timeoutMs: number;
}

export const SIGNATURE_HEADER = 'x-moltbot-signature';
export const TIMESTAMP_HEADER = 'x-moltbot-timestamp';

export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export class WebhookError extends Error {}

/** Where the hook goes, without path or query (webhook URLs often carry a token in either). */
export function describeUrl(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}

export async function deliver(settings: WebhookSettings, payload: unknown, signal?: AbortSignal): Promise<{ attempts: number; status: number }> {
  const body = JSON.stringify(payload);
  let lastProblem = '';
  for (let attempt = 1; attempt <= settings.retries + 1; attempt++) {
    if (attempt > 1) await sleep(settings.backoffMs * 2 ** (attempt - 2), undefined, { signal });
    const timestamp = String(Date.now());
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'moltbot-alert-webhook/1' };
    if (settings.secret !== undefined) {
      headers[TIMESTAMP_HEADER] = timestamp;
      headers[SIGNATURE_HEADER] = sign(settings.secret, timestamp, body);
    }
    try {
      const timeout = AbortSignal.timeout(settings.timeoutMs);
      const response = await fetch(settings.url, { method: 'POST', headers, body, signal: signal ? AbortSignal.any([signal, timeout]) : timeout, redirect: 'manual' });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { attempts: attempt, status: response.status };
      lastProblem = `HTTP ${response.status}`;
      if (response.status !== 429 && response.status < 500) break;
    } catch (error) {
      if (signal?.aborted) throw error;
      lastProblem = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${settings.timeoutMs} ms` : 'connection failed';
    }
  }
  throw new WebhookError(`alert webhook to ${describeUrl(settings.url)} failed: ${lastProblem}`);
}
