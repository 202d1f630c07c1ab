/** The ops services by ref, as a plugin of another package sees them (only moltbot/plugin-sdk/* imports). */
import { describe, expect, it } from 'vitest';
import { definePlugin, optionalService } from 'moltbot/plugin-sdk/core';
import { daemonServiceRef, metricsServiceRef, ResourceRefused, resourcesServiceRef } from 'moltbot/plugin-sdk/ops';
import { createTestKernel } from '../../../app/testing.ts';

describe('ops services by ref', () => {
  it('resources and metrics are typed through their refs; a lease over the limit is refused with a stable reason', async () => {
    let figures: { cpuUsage: number } | undefined;
    const plugin = definePlugin({
      name: 'thumbnailer',
      version: '1.0.0',
      consumes: [resourcesServiceRef, optionalService(metricsServiceRef), optionalService(daemonServiceRef)],
      setup(ctx) {
        ctx.hooks.start.tapPromise(ctx.name, async () => {
          figures = (await ctx.useOptional(metricsServiceRef)?.snapshot())?.system;
          expect(ctx.useOptional(daemonServiceRef)).toBeUndefined();
        });
      },
    });
    const kernel = await createTestKernel({ config: { plugins: ['resources', 'metrics'] }, plugins: [plugin] });
    expect(figures?.cpuUsage).toBeGreaterThanOrEqual(0);
    const resources = kernel.use(resourcesServiceRef);
    const lease = resources.acquire('exec', 'one');
    expect(resources.status().active.exec).toBe(1);
    lease.release();
    for (let i = 0; i < resources.status().limits.exec!; i++) resources.acquire('exec', `busy-${i}`);
    let refusal: unknown;
    try {
      resources.acquire('exec', 'one-too-many');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ResourceRefused);
    expect(refusal).toMatchObject({ reason: 'LIMIT', type: 'exec' });
  });
});
