import { describe, expect, it } from 'vitest';
import { cacheServiceRef } from 'moltbot/plugin-sdk/cache';
import { createTestKernel } from 'moltbot/testing';
import plugin from './index.ts';
import schema from './schema.json' with { type: 'json' };

describe('__NAME__', () => {
  it('serves the cache as the tier cache.tiers names', async () => {
    const kernel = await createTestKernel({ config: { cache: { tiers: ['__NAME__'] } }, plugins: ['cache', plugin] });
    const cache = kernel.use(cacheServiceRef);
    expect(cache.tiers).toEqual(['__NAME__']);
    const notes = cache.namespace('notes');
    await notes.set('answer', { value: 42 });
    expect(await notes.get('answer')).toEqual({ value: 42 });
    expect(await cache.namespace('other').get('answer')).toBeUndefined();
    expect(cache.health()).toMatchObject({ status: 'ok', tiers: [{ name: '__NAME__', plugin: '__NAME__' }] });
  });

  it('forgets the oldest entries beyond maxEntries', async () => {
    const kernel = await createTestKernel({ config: { cache: { tiers: ['small'] } }, plugins: ['cache', [plugin, { tier: 'small', maxEntries: 2 }]] });
    const notes = kernel.use(cacheServiceRef).namespace('notes');
    for (const key of ['a', 'b', 'c']) await notes.set(key, key);
    expect([await notes.get('a'), await notes.get('b'), await notes.get('c')]).toEqual([undefined, 'b', 'c']);
  });

  it('needs the cache plugin', async () => {
    await expect(createTestKernel({ plugins: [plugin] })).rejects.toThrow(/cache/);
  });

  it('documents the same defaults in schema.json as in the code', () => {
    const documented = Object.fromEntries(Object.entries(schema.properties)
      .flatMap(([key, property]) => ('default' in property ? [[key, property.default]] : [])));
    expect(documented).toEqual(plugin.defaults);
  });
});
