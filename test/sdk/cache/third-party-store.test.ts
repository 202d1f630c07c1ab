/**
 * A cache store published outside this repository: it imports only `moltbot/plugin-sdk/cache`
 * and `moltbot/plugin-sdk/core` (the specifiers a package depending on moltbot uses), registers
 * its tier through the typed hooks ref, and `cache.tiers` alone selects it — here in place of
 * cache-memory, so it serves the agent's session cache (the agent reads the tier named "memory").
 */
import { Keyv } from 'keyv';
import { describe, expect, it, vi } from 'vitest';
import { cacheHooksRef, cacheServiceRef, type CacheStore } from 'moltbot/plugin-sdk/cache';
import { definePlugin } from 'moltbot/plugin-sdk/core';
import { createTestKernel } from '../../../app/testing.ts';
import { startFakeProvider } from '../../helpers/fake-provider.ts';

/** A store plugin of another package: a Keyv over one Map, under the tier name of its choice. */
function mapStorePlugin(tier: string) {
  const map = new Map<string, unknown>();
  const plugin = definePlugin({
    name: `cache-map-${tier}`,
    version: '1.0.0',
    dependencies: ['cache'],
    setup(ctx) {
      ctx.hooksOf(cacheHooksRef).stores.tap(ctx.name, (stores) => stores.set(tier, {
        plugin: ctx.name,
        rank: 0,
        create: (): CacheStore => ({
          timeoutMs: 0,
          keyv: (namespace) => {
            // Values kept as they are (a live transcript is appended in place, as with cache-memory).
            const keyv = new Keyv({ store: map, namespace, serialization: false } as ConstructorParameters<typeof Keyv>[0]);
            keyv.on('error', () => {});
            return keyv;
          },
          close: async () => map.clear(),
        }),
      }));
    },
  });
  return { plugin, map };
}

describe('a third-party cache store selected by config', () => {
  it('serves the agent session cache when cache.tiers names it (one store read for three runs)', async () => {
    const fake = await startFakeProvider();
    try {
      const { plugin, map } = mapStorePlugin('memory');
      const kernel = await createTestKernel({
        config: {
          agent: { model: 'local/llama3.1' },
          providers: { local: { api: 'openai', baseURL: fake.openaiBaseURL } },
          cache: { tiers: ['memory'] },
          plugins: ['session-store-file', 'provider-openai', 'agent', 'cache'],
        },
        plugins: [plugin],
      });
      expect(kernel.use(cacheServiceRef).tiers).toEqual(['memory']);
      expect(kernel.plugins().some((info) => info.name === 'cache-memory')).toBe(false);
      // By service id: these tests stay independent of where the agent area's refs live.
      const load = vi.spyOn(kernel.use('session-store') as { load(agentId: string, key: string): Promise<unknown> }, 'load');
      const agent = kernel.use('agent') as { run(request: { sessionKey: string; message: string }): Promise<unknown> };
      for (let i = 0; i < 3; i++) {
        fake.script({ text: `answer ${i}` });
        await agent.run({ sessionKey: 'agent:main:main', message: `hi ${i}` });
      }
      expect(load).toHaveBeenCalledTimes(1);
      expect([...map.keys()]).toContain('agent-sessions::agent:main:main');
      expect(JSON.stringify(fake.requests[2]!.body)).toContain('answer 1');
    } finally {
      await fake.close();
    }
  });

  it('is one tier among the first-party ones, in the order cache.tiers gives', async () => {
    const { plugin, map } = mapStorePlugin('shared-map');
    const kernel = await createTestKernel({ config: { cache: { tiers: ['memory', 'shared-map'] }, plugins: ['cache', 'cache-memory'] }, plugins: [plugin] });
    const cache = kernel.use(cacheServiceRef);
    expect(cache.tiers).toEqual(['memory', 'shared-map']);
    await cache.namespace('notes').set('greeting', 'hello');
    expect(map.has('notes::greeting')).toBe(true);
    expect(await cache.namespace('notes').get('greeting')).toBe('hello');
  });

  it('a tier name no loaded plugin provides is a config error naming the path and the fix', async () => {
    const { plugin } = mapStorePlugin('shared-map');
    const start = createTestKernel({ config: { cache: { tiers: ['shared-map', 'memcached'] }, plugins: ['cache'] }, plugins: [plugin] });
    await expect(start).rejects.toMatchObject({
      code: 'MOLT_ERR_CONFIG_INVALID',
      path: 'cache.tiers[1]',
      message: expect.stringContaining('names tier "memcached", which no store plugin provides (provided: shared-map)'),
      fix: expect.stringContaining('Add the store plugin that registers tier "memcached" to `plugins`, or remove "memcached" from cache.tiers.'),
    });
  });
});
