/** The outbound queue: held while down, retries honouring retryAfterMs (fake timers), limits, failures. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBackoff } from '../../../sdk/channels/backoff.ts';
import { ChannelSendError } from '../../../sdk/channels/contract.ts';
import { ChannelClosedError, OutboundQueue, QueueFullError } from '../../../plugins/channels/outbound-queue.ts';
import { createFakeChannel } from '../../helpers/fake-channel.ts';

const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
});

function setup(max = 10) {
  const channel = createFakeChannel();
  const queue = new OutboundQueue({ channel: 'fake', max, send: (target, item) => channel.adapter.send(target, String(item)), backoff: createBackoff({ baseMs: 1000, maxMs: 8000 }, () => 0.5), sleep });
  return { channel, queue };
}

const dm = { chatType: 'dm' as const, chatId: 'c1' };

afterEach(() => {
  vi.useRealTimers();
});

describe('outbound queue', () => {
  it('holds chunks while disconnected and delivers them in order once connected', async () => {
    const { channel, queue } = setup();
    const first = queue.enqueue(dm, ['one', 'two']);
    const second = queue.enqueue({ chatType: 'dm', chatId: 'c2' }, ['three']);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(channel.sendAttempts).toBe(0);
    expect(queue.pending).toBe(3);
    queue.setConnected(true);
    await Promise.all([first, second]);
    expect(channel.sent.map((s) => s.text)).toEqual(['one', 'two', 'three']);
    expect(queue.counters).toEqual({ sent: 3, failed: 0, retried: 0, dropped: 0 });
  });

  it('retries a retryable error after retryAfterMs, else after the backoff delay', async () => {
    vi.useFakeTimers();
    const { channel, queue } = setup();
    queue.setConnected(true);
    channel.failNext(1, { retryable: true, retryAfterMs: 30_000 });
    channel.failNext(1, { retryable: true });
    const done = queue.enqueue(dm, ['hello']);
    await vi.advanceTimersByTimeAsync(0);
    expect(channel.sendAttempts).toBe(1);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(channel.sendAttempts).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(channel.sendAttempts).toBe(2);
    // Second failure has no retryAfterMs: backoff (random 0.5 of 1000 ms) = 500 ms.
    await vi.advanceTimersByTimeAsync(499);
    expect(channel.sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(channel.sent.map((s) => s.text)).toEqual(['hello']);
    expect(queue.counters.retried).toBe(2);
  });

  it('a non-retryable error fails the whole message; the next one still goes', async () => {
    const { channel, queue } = setup();
    queue.setConnected(true);
    channel.failNext(1, { retryable: false, message: 'chat not found' });
    const failed = queue.enqueue(dm, ['a', 'b']);
    const ok = queue.enqueue(dm, ['c']);
    await expect(failed).rejects.toThrow('chat not found');
    await ok;
    expect(channel.sent.map((s) => s.text)).toEqual(['c']);
    expect(queue.counters).toMatchObject({ failed: 1, sent: 1 });
  });

  it('a full queue rejects the newest message with a clear error and counts it', async () => {
    const { queue } = setup(3);
    const held = queue.enqueue(dm, ['1', '2']);
    await expect(queue.enqueue(dm, ['3', '4'])).rejects.toThrow(QueueFullError);
    await expect(queue.enqueue(dm, ['3', '4'])).rejects.toThrow(/queue of channel "fake" is full \(3 chunks waiting\).*channels\.fake\.queueSize/);
    expect(queue.counters.dropped).toBe(4);
    expect(queue.pending).toBe(2);
    const left = queue.stop();
    expect(left).toEqual({ chunks: 2, chats: ['c1'] });
    await expect(held).rejects.toThrow(ChannelClosedError);
  });

  it('keeps retrying while the platform is down and reports the error', async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    const channel = createFakeChannel();
    const queue = new OutboundQueue({ channel: 'fake', max: 10, send: (t, x) => channel.adapter.send(t, String(x)), onError: (e) => errors.push(e), backoff: createBackoff({ baseMs: 100, maxMs: 100 }, () => 1), sleep });
    queue.setConnected(true);
    channel.down();
    const done = queue.enqueue(dm, ['x']);
    await vi.advanceTimersByTimeAsync(350);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(errors[0]).toBeInstanceOf(ChannelSendError);
    channel.up();
    await vi.advanceTimersByTimeAsync(100);
    await done;
    expect(channel.sent.map((s) => s.text)).toEqual(['x']);
  });
});
