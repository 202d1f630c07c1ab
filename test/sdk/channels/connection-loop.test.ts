/** createConnectionLoop: the start/stop/retry skeleton telegram, matrix and discord share. */
import { describe, expect, it } from 'vitest';
import { createConnectionLoop, type Backoff, type ChannelHost, type ChannelState } from 'moltbot/plugin-sdk/channels';

function fakeHost() {
  const states: { state: ChannelState; error?: string }[] = [];
  const logs: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const log = (level: string) => (fields: Record<string, unknown>, message: string) => void logs.push({ level, fields, message });
  const host = {
    signal: new AbortController().signal,
    log: { warn: log('warn'), error: log('error'), info: log('info'), debug: log('debug') },
    setState: (state: ChannelState, error?: unknown) => void states.push({ state, ...(error instanceof Error ? { error: error.message } : {}) }),
  } as unknown as ChannelHost;
  return { host, states, logs };
}

const fixedBackoff = (ms: number): Backoff => ({ next: () => ms, reset: () => undefined });

describe('createConnectionLoop', () => {
  it('reports connecting, runs the loop until stop, then stopped; a second start while running is refused', async () => {
    const { host, states } = fakeHost();
    let seen: AbortSignal | undefined;
    const loop = createConnectionLoop({
      name: 'demo',
      async run(current, signal) {
        seen = signal;
        loop.setState('connected');
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      },
    });
    expect(loop.signal.aborted).toBe(true);
    loop.start(host);
    expect(() => loop.start(host)).toThrow('demo adapter already started');
    expect(loop.state).toBe('connected');
    expect(loop.host).toBe(host);
    expect(loop.signal.aborted).toBe(false);
    await loop.stop();
    expect(seen?.aborted).toBe(true);
    expect(loop.signal.aborted).toBe(true);
    expect(loop.host).toBeUndefined();
    expect(states.map((entry) => entry.state)).toEqual(['connecting', 'connected', 'stopped']);
  });

  it('retry degrades with the error, logs the delay (the longer of retry-after and backoff), and stop cuts the wait short', async () => {
    const { host, states, logs } = fakeHost();
    let attempts = 0;
    const loop = createConnectionLoop({
      name: 'demo',
      async run(_current, signal) {
        while (!signal.aborted) {
          attempts++;
          await loop.retry(new Error('connect ECONNREFUSED'), { backoff: fixedBackoff(10), signal, retryAfterMs: attempts === 1 ? 30 : undefined, fields: { status: 503 }, message: 'demo connection failed; retrying' });
          if (attempts === 2) await loop.retry(new Error('still down'), { backoff: fixedBackoff(60_000), signal, message: 'demo connection failed; retrying' });
        }
      },
    });
    const started = Date.now();
    loop.start(host);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await loop.stop();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(attempts).toBe(2);
    expect(states.slice(0, 2)).toEqual([{ state: 'connecting' }, { state: 'degraded', error: 'connect ECONNREFUSED' }]);
    expect(states.at(-1)).toEqual({ state: 'stopped' });
    expect(logs.filter((entry) => entry.level === 'warn').map((entry) => entry.fields)).toEqual([
      { status: 503, retryInMs: 30, error: 'connect ECONNREFUSED' },
      { status: 503, retryInMs: 10, error: 'connect ECONNREFUSED' },
      { retryInMs: 60_000, error: 'still down' },
    ]);
  });

  it('a loop that crashes is logged and reported degraded through safeError; stop waits for drain', async () => {
    const { host, states, logs } = fakeHost();
    let drained = false;
    const loop = createConnectionLoop({
      name: 'demo',
      run: async () => {
        throw new Error('bug with token sekrit');
      },
      safeError: (error) => new Error(String((error as Error).message).replace('sekrit', '***')),
      drain: async () => {
        drained = true;
      },
    });
    loop.start(host);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(states.at(-1)).toEqual({ state: 'degraded', error: 'bug with token ***' });
    expect(logs).toEqual([expect.objectContaining({ level: 'error', message: 'demo connection loop ended unexpectedly' })]);
    expect(JSON.stringify(logs)).not.toContain('sekrit');
    await loop.stop();
    expect(drained).toBe(true);
    expect(states.at(-1)).toEqual({ state: 'stopped' });
  });
});
