import { describe, expect, it } from 'vitest';
import { rateLimitServiceRef } from '../../../sdk/rate-limit/index.ts';
import { createTestKernel } from '../../../app/testing.ts';

describe('rate-limit plugin', () => {
  it('provides the service with request limits from gateway.rateLimiting and auth limits from its options', async () => {
    const kernel = await createTestKernel({
      config: { gateway: { rateLimiting: { enabled: true, requestsPerMinute: 120, burstSize: 2 } }, plugins: [['rate-limit', { auth: { maxAttempts: 2 } }]] },
    });
    const limiter = kernel.use(rateLimitServiceRef);
    expect(limiter.requestLimits).toEqual({ enabled: true, requestsPerMinute: 120, burstSize: 2 });
    expect([(await limiter.takeRequest('k')).allowed, (await limiter.takeRequest('k')).allowed, (await limiter.takeRequest('k')).allowed]).toEqual([true, true, false]);
    await limiter.recordAuthFailure(['ip:1.2.3.4']);
    expect((await limiter.recordAuthFailure(['ip:1.2.3.4'])).allowed).toBe(false);
  });

  it('defaults: 1000 requests/min, burst 100; 10 failures lock', async () => {
    const kernel = await createTestKernel({ config: { plugins: ['rate-limit'] } });
    const limiter = kernel.use(rateLimitServiceRef);
    expect(limiter.requestLimits).toEqual({ enabled: true, requestsPerMinute: 1000, burstSize: 100 });
    for (let i = 0; i < 9; i++) await limiter.recordAuthFailure(['k']);
    expect((await limiter.checkAuth(['k'])).allowed).toBe(true);
    await limiter.recordAuthFailure(['k']);
    expect((await limiter.checkAuth(['k'])).allowed).toBe(false);
  });

  it('rejects options outside the schema', async () => {
    await expect(createTestKernel({ config: { plugins: [['rate-limit', { auth: { maxAtempts: 3 } }]] } })).rejects.toMatchObject({ code: 'MOLT_ERR_PLUGIN_OPTIONS_INVALID' });
  });
});
