import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { metricsServiceRef, resourcesServiceRef } from '../../../sdk/ops/index.ts';
import { createTestKernel } from '../../../app/testing.ts';
import resourcesPlugin, { ResourceRefused } from '../../../plugins/resources/index.ts';
import metricsPlugin from '../../../plugins/metrics/index.ts';

async function manager(config: Record<string, unknown> = {}, options: Record<string, unknown> = {}) {
  const kernel = await createTestKernel({ config: { ...config, plugins: [[resourcesPlugin, options], metricsPlugin] } });
  return { kernel, resources: kernel.use(resourcesServiceRef) };
}

function refusal(fn: () => unknown): ResourceRefused {
  try {
    fn();
  } catch (error) {
    if (error instanceof ResourceRefused) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('resources', () => {
  it('per-type limits come from the root config; a release frees the slot', async () => {
    const { resources } = await manager({ agents: { maxConcurrentRuns: 2 }, tools: { exec: { maxProcesses: 1 } } });
    const a = resources.acquire('agent', 'run-1');
    resources.acquire('agent', 'run-2');
    const refused = refusal(() => resources.acquire('agent', 'run-3'));
    expect(refused.reason).toBe('LIMIT');
    expect(refused.message).toMatchInlineSnapshot(`"2 of 2 agent slots in use; try again when one is released (limit: agents.maxConcurrentRuns)"`);
    a.release();
    a.release();
    expect(resources.acquire('agent', 'run-3').type).toBe('agent');
    resources.acquire('exec', 'cmd-1');
    expect(refusal(() => resources.acquire('exec', 'cmd-2')).reason).toBe('LIMIT');
    expect(refusal(() => resources.acquire('agent', 'run-2')).reason).toBe('DUPLICATE_ID');
    expect(resources.status().active).toEqual({ agent: 2, exec: 1 });
  });

  it('run() releases on success and on failure: no lease leaks', async () => {
    const { resources } = await manager({ agents: { maxConcurrentRuns: 3 } });
    const results = await Promise.allSettled(Array.from({ length: 60 }, (_, i) => resources.run('agent', `r${i % 3}-${Math.floor(i / 3)}`, {}, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (i % 2) throw new Error(`run ${i} failed`);
      return i;
    })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    const refused = results.filter((r) => r.status === 'rejected' && r.reason instanceof ResourceRefused);
    const failed = results.filter((r) => r.status === 'rejected' && !(r.reason instanceof ResourceRefused));
    // The first three start at once and hold every slot; the rest are refused while they run.
    expect(refused).toHaveLength(57);
    expect(failed).toHaveLength(1);
    expect(resources.status().active).toEqual({});
    for (let i = 0; i < 20; i++) {
      await expect(resources.run('agent', `seq-${i}`, {}, () => { throw new Error('boom'); })).rejects.toThrow('boom');
    }
    expect(resources.status().active).toEqual({});
  });

  it('sheds load past agents.memoryLimit with a clear error (measured RSS)', async () => {
    const { resources } = await manager({ agents: { memoryLimit: 1 } });
    const refused = refusal(() => resources.acquire('agent', 'big'));
    expect(refused.reason).toBe('MEMORY_LIMIT');
    expect(refused.message).toMatch(/^shedding load: the process uses \d+ MB, over agents.memoryLimit 1 MB; new agent work is refused until memory drops$/);
    const reported = Number(/uses (\d+) MB/.exec(refused.message)![1]);
    expect(Math.abs(reported - process.memoryUsage().rss / 1024 / 1024)).toBeLessThan(64);
    expect(resources.status().shedding).toBe(true);
  });

  it('refuses a request the host cannot meet (real free memory)', async () => {
    const { resources } = await manager();
    const refused = refusal(() => resources.acquire('browser', 'b1', { memoryMb: 1024 * 1024 * 1024 }));
    expect(refused.reason).toBe('INSUFFICIENT_MEMORY');
    expect(refused.message).toMatch(/^browser "b1" needs 1073741824 MB free memory; the host has \d+ MB$/);
    expect(resources.acquire('browser', 'b2', { memoryMb: 1, cpu: 0 }).id).toBe('b2');
  });

  it('calls global.gc() past gcThreshold only when it is exposed', async () => {
    const { resources } = await manager({ agents: { gcThreshold: 1 } });
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    resources.acquire('agent', 'no-gc').release();
    const gc = vi.fn();
    (globalThis as { gc?: unknown }).gc = gc;
    onTestFinished(() => { delete (globalThis as { gc?: unknown }).gc; });
    resources.acquire('agent', 'with-gc').release();
    resources.acquire('agent', 'with-gc-again').release();
    expect(gc).toHaveBeenCalledTimes(1);
  });

  it('sweeps leases held past maxLeaseMs, and reports through collectMetrics', async () => {
    const { kernel, resources } = await manager({}, { maxLeaseMs: 1000, limits: { 'cache-rebuild': 1 } });
    resources.acquire('cache-rebuild', 'x');
    expect(refusal(() => resources.acquire('cache-rebuild', 'y')).message).toContain('limit: resources plugin option limits.cache-rebuild');
    const snapshot = await kernel.use(metricsServiceRef).snapshot();
    expect(snapshot.plugins).toContainEqual({ plugin: 'resources', name: 'active', value: 1, labels: { type: 'cache-rebuild' } });
    expect(resources.sweep(Date.now() + 5000)).toBe(1);
    expect(kernel.logs.some((line) => line.msg === 'reclaimed a resource lease held past maxLeaseMs (a caller did not release it)')).toBe(true);
    expect(resources.acquire('cache-rebuild', 'y').id).toBe('y');
  });
});
