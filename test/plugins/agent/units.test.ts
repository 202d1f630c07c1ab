/** The agent plugin's small pure parts: retry jitter and the run queue (the SDK's are in test/sdk/agent). */
import { describe, expect, it } from 'vitest';
import { RunQueue } from '../../../plugins/agent/run-queue.ts';
import { jitteredDelay } from '../../../plugins/agent/failover-policy.ts';

describe('agent parts', () => {
  it('jitters the retry delay within ±50 %', () => {
    expect(jitteredDelay(1000, () => 0)).toBe(500);
    expect(jitteredDelay(1000, () => 0.999)).toBe(1499);
  });

  it('queues per session and refuses beyond the bound', async () => {
    const queue = new RunQueue(2, 1);
    const a = await queue.acquire('s1');
    const b = await queue.acquire('s2');
    const c = queue.acquire('s1');
    await expect(queue.acquire('s3')).rejects.toMatchObject({ code: 'BUSY' });
    a();
    const releaseC = await c;
    expect(queue.active).toBe(2);
    b();
    releaseC();
    expect(queue.active).toBe(0);
  });

  it('an aborted waiter leaves the queue', async () => {
    const queue = new RunQueue(1, 5);
    const first = await queue.acquire('s1');
    const controller = new AbortController();
    const waiting = queue.acquire('s2', controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
    expect(queue.queued).toBe(0);
    first();
  });
});
