/**
 * The http transport: log lines POSTed as NDJSON in batches (`batchSize` lines or every
 * `flushIntervalMs`), retried with exponential backoff on network errors, 429 and 5xx. The
 * queue is bounded: past `maxQueue` the oldest lines are dropped and counted, so a dead
 * collector never grows memory.
 */
export interface HttpSinkOptions {
  url: string;
  headers?: Record<string, string>;
  batchSize?: number;
  flushIntervalMs?: number;
  maxRetries?: number;
  backoffMs?: number;
  maxQueue?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export interface HttpSink {
  write(line: string): void;
  /** Sends what is queued now. */
  flush(): Promise<void>;
  close(): Promise<void>;
  stats(): { sent: number; dropped: number; failedBatches: number; queued: number };
}

export function createHttpSink(options: HttpSinkOptions): HttpSink {
  const batchSize = options.batchSize ?? 100;
  const maxRetries = options.maxRetries ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const maxQueue = options.maxQueue ?? 10_000;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
  const queue: string[] = [];
  const counters = { sent: 0, dropped: 0, failedBatches: 0 };
  let sending: Promise<void> = Promise.resolve();
  let closed = false;

  const send = async (batch: string[]) => {
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      if (attempt > 0) await sleep(backoffMs * 2 ** (attempt - 1));
      try {
        const response = await doFetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', ...options.headers },
          body: batch.map((line) => line.replace(/\n$/, '')).join('\n') + '\n',
        });
        if (response.ok) {
          counters.sent += batch.length;
          return;
        }
        if (response.status !== 429 && response.status < 500) break;
      } catch {
        // network error: retry
      }
    }
    counters.failedBatches++;
    counters.dropped += batch.length;
  };
  const flush = () => {
    sending = sending.then(async () => {
      while (queue.length > 0) await send(queue.splice(0, batchSize));
    });
    return sending;
  };
  const timer = setInterval(() => void flush(), options.flushIntervalMs ?? 1000);
  timer.unref();
  return {
    write(line) {
      if (closed) return;
      queue.push(line);
      if (queue.length > maxQueue) {
        queue.shift();
        counters.dropped++;
      }
      if (queue.length >= batchSize) void flush();
    },
    flush,
    async close() {
      closed = true;
      clearInterval(timer);
      await flush();
    },
    stats: () => ({ ...counters, queued: queue.length }),
  };
}
