/** gatewayServiceRef: the gateway provides it by ref, a consumer is ordered after it and typed. */
import { describe, expect, it } from 'vitest';
import { createTestKernel } from '../../../app/testing.ts';
import { definePlugin, optionalService } from '../../../sdk/core/index.ts';
import { gatewayServiceRef, type GatewayService } from '../../../sdk/gateway/index.ts';
import { PASSWORD } from '../../plugins/gateway/helpers.ts';

const config = { gateway: { bind: 'loopback', auth: { mode: 'password', password: PASSWORD } } };

describe('gatewayServiceRef', () => {
  it('is set up before a consumer listed ahead of the gateway, which gets the typed service in setup', async () => {
    let seen: GatewayService | undefined;
    const consumer = definePlugin({
      name: 'gw-consumer',
      version: '1.0.0',
      consumes: [gatewayServiceRef],
      setup(ctx) {
        seen = ctx.use(gatewayServiceRef);
      },
    });
    const kernel = await createTestKernel({ config: { ...config, plugins: [consumer, 'rate-limit', 'auth-password', 'gateway'] }, start: false });
    await kernel.load();
    expect(seen).toBe(kernel.use('gateway'));
    expect(seen?.address()).toBeUndefined();
    expect(seen?.methods().map((method) => method.name)).toEqual(['ping', 'health', 'status']);
  });

  it('is missing before any setup when no loaded plugin provides it, unless the use is optional', async () => {
    const needs = definePlugin({ name: 'gw-needs', version: '1.0.0', provides: [], consumes: [gatewayServiceRef], setup() {} });
    const kernel = await createTestKernel({ config: { plugins: [needs] }, start: false });
    await expect(kernel.load()).rejects.toMatchObject({ code: 'MOLT_ERR_SERVICE_MISSING', message: expect.stringContaining('consumes service "gateway"') });

    let optional: GatewayService | undefined | 'unset' = 'unset';
    const canDoWithout = definePlugin({ name: 'gw-optional', version: '1.0.0', provides: [], consumes: [optionalService(gatewayServiceRef)], setup(ctx) {
      optional = ctx.useOptional(gatewayServiceRef);
    } });
    const other = await createTestKernel({ config: { plugins: [canDoWithout] }, start: false });
    await other.load();
    expect(optional).toBeUndefined();
  });
});
