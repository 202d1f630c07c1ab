/** The agent keeps loaded transcripts in the cache service (memory tier, agents.sessionCacheSize). */
import { describe, expect, it, vi } from 'vitest';
import { createTestKernel } from '../../../app/testing.ts';
import type { CacheService } from '../../../sdk/cache/index.ts';
import { startFakeProvider } from '../../helpers/fake-provider.ts';
import { agentServiceRef, sessionStoreRef } from '../../../sdk/agent/index.ts';

async function agentKernel(fakeURL: string, extra: Record<string, unknown>, plugins: string[]) {
  return createTestKernel({
    config: {
      agent: { model: 'local/llama3.1' },
      providers: { local: { api: 'openai', baseURL: fakeURL } },
      plugins: ['session-store-file', 'provider-openai', 'agent', ...plugins],
      ...extra,
    },
  });
}

describe('agent session cache', () => {
  it('reads a session from the store once, then from the memory tier; sessionCacheSize bounds it', async () => {
    const fake = await startFakeProvider();
    try {
      const kernel = await agentKernel(fake.openaiBaseURL, { agents: { sessionCacheSize: 1 }, cache: { tiers: ['memory', 'disk'] } }, ['cache', 'cache-memory', 'cache-disk']);
      const load = vi.spyOn(kernel.use(sessionStoreRef), 'load');
      const agent = kernel.use(agentServiceRef);
      for (let i = 0; i < 3; i++) {
        fake.script({ text: `answer ${i}` });
        await agent.run({ sessionKey: 'agent:main:main', message: `hi ${i}` });
      }
      expect(load).toHaveBeenCalledTimes(1);
      // The second run saw the first exchange (the cached transcript is complete).
      expect(JSON.stringify(fake.requests[2]!.body)).toContain('answer 1');
      fake.script({ text: 'other' });
      await agent.run({ sessionKey: 'agent:main:telegram:dm:42', message: 'x' });
      fake.script({ text: 'back' });
      await agent.run({ sessionKey: 'agent:main:main', message: 'again' });
      // Size 1: the main session was evicted by the DM session and read again.
      expect(load.mock.calls.filter(([, key]) => key === 'agent:main:main')).toHaveLength(2);
      expect((await agent.history('agent:main:main')).map((m) => m.content)).toContain('answer 2');
      // Transcripts never reach the disk tier: they are live values of this process.
      const cache = kernel.use('cache') as CacheService;
      expect(cache.health().tiers.map((t) => t.name)).toEqual(['memory', 'disk']);
      expect(await cache.namespace('agent-sessions', { tiers: ['memory'], maxEntries: 1 }).get('agent:main:main')).toBeDefined();
    } finally {
      await fake.close();
    }
  });

  it.each([
    ['without the cache plugin', {}, []],
    ['with sessionCacheSize 0', { agents: { sessionCacheSize: 0 } }, ['cache', 'cache-memory']],
  ])('%s every run reads the store, and runs still see the whole conversation', async (_label, extra, plugins) => {
    const fake = await startFakeProvider();
    try {
      const kernel = await agentKernel(fake.openaiBaseURL, extra, plugins as string[]);
      const load = vi.spyOn(kernel.use(sessionStoreRef), 'load');
      const agent = kernel.use(agentServiceRef);
      fake.script({ text: 'first' });
      await agent.run({ sessionKey: 'agent:main:main', message: 'one' });
      fake.script({ text: 'second' });
      await agent.run({ sessionKey: 'agent:main:main', message: 'two' });
      expect(load).toHaveBeenCalledTimes(2);
      expect(JSON.stringify(fake.requests[1]!.body)).toContain('first');
    } finally {
      await fake.close();
    }
  });
});
