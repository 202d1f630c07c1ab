/**
 * Reads a download's body under a byte cap. The running total decides, not Content-Length (a
 * server may lie or send none): past the cap the body is cancelled and the read fails, so an
 * oversized file is never held in memory whole.
 */

export class MediaTooLargeError extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`file over ${limit} bytes`);
    this.name = 'MediaTooLargeError';
    this.limit = limit;
  }
}

export class MediaDownloadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MediaDownloadError';
  }
}

export async function readCappedBody(response: Response, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new MediaDownloadError(`the platform answered HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new MediaTooLargeError(maxBytes);
  }
  if (response.body === null) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const onAbort = () => void reader.cancel(signal.reason).catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (signal.aborted) throw signal.reason;
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new MediaTooLargeError(maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return Buffer.concat(chunks, size);
}

export interface HttpDownloadOptions {
  /** Request headers (a platform token: `Authorization: Bearer …`). */
  headers?: Readonly<Record<string, string>>;
  /**
   * Origins the headers may be sent to (`https://files.slack.com`). A URL elsewhere fails
   * without a request: a message cannot make the channel send its token to any host.
   */
  trustedOrigins?: readonly string[];
}

/** A `download` for InboundAttachment: GET `url` (with the headers, only to a trusted origin). */
export function httpDownload(url: string, options: HttpDownloadOptions = {}): (signal: AbortSignal) => Promise<Response> {
  return async (signal) => {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      throw new MediaDownloadError('the platform gave an invalid file URL');
    }
    if (options.headers !== undefined && options.trustedOrigins !== undefined && !options.trustedOrigins.includes(origin)) {
      throw new MediaDownloadError(`the file is on ${origin}, not on a host trusted with the channel's credentials`);
    }
    // fetch drops Authorization on a redirect to another origin (Fetch standard).
    return fetch(url, { signal, ...(options.headers ? { headers: { ...options.headers } } : {}) });
  };
}
