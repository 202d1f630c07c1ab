/**
 * Outbound HTTP for channel adapters: one JSON POST with a timeout, and the mapping of its
 * failures onto `ChannelSendError` so the `channels` service retries what is worth retrying
 * (network errors, timeouts, 429, 5xx; `Retry-After` honoured) and fails the rest at once.
 */
import { parseRetryAfter } from '../gateway/index.ts';
import { ChannelSendError } from './contract.ts';

export interface PostResult {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  body: unknown;
}

export interface PostOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Names the endpoint in error messages (never the URL, which may hold a token). */
  label: string;
}

/** POSTs `body` (already serialised, so a signature can cover the exact bytes). Network failures become retryable errors. */
export function postJson(url: string, body: string, options: PostOptions): Promise<PostResult> {
  return post(url, body, { ...options, headers: { 'Content-Type': 'application/json', ...options.headers } });
}

/**
 * POSTs a multipart/form-data body (a file upload: `form.append('photo', new Blob([bytes]), name)`);
 * fetch writes the boundary. Failures map as for `postJson`. Added after v1 (outbound media).
 */
export function postMultipart(url: string, form: FormData, options: PostOptions): Promise<PostResult> {
  return post(url, form, options);
}

async function post(url: string, body: string | FormData, options: PostOptions): Promise<PostResult> {
  const signals = [AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])];
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      ...(options.headers ? { headers: options.headers } : {}),
      body,
      signal: AbortSignal.any(signals),
      redirect: 'error',
    });
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : describeNetworkError(error);
    throw new ChannelSendError(`${options.label}: ${reason}`, { retryable: options.signal?.aborted !== true, cause: error });
  }
  const text = await response.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Whether an HTTP status is worth retrying: 408, 425, 429 and every 5xx. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** The error for a non-2xx answer, classified by status; `detail` is appended (keep it secret-free). */
export function httpSendError(label: string, result: PostResult, detail?: string): ChannelSendError {
  const wait = parseRetryAfter(result.headers);
  return new ChannelSendError(`${label}: HTTP ${result.status}${detail ? ` (${detail})` : ''}`, {
    retryable: retryableStatus(result.status),
    ...(wait === undefined ? {} : { retryAfterMs: wait }),
  });
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return `network error ${cause.code}`;
  return error instanceof Error ? error.message : String(error);
}
