/**
 * FS-10: everything the gateway creates under the state dir is owner-only — files 0600,
 * directories 0700 — even with `umask 000` (a service manager or container may set it).
 */
import { readdirSync, statSync } from 'node:fs';
import { memoryServiceRef } from '../../plugins/memory/index.ts';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestKernel } from '../../app/testing.ts';
import { createFakeChannel } from '../helpers/fake-channel.ts';
import { startFakeProvider } from '../helpers/fake-provider.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { agentServiceRef } from '../../sdk/agent/index.ts';

function walk(dir: string, out: { path: string; mode: number; dir: boolean }[] = []): typeof out {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    out.push({ path, mode: stat.mode & 0o777, dir: stat.isDirectory() });
    if (stat.isDirectory()) walk(path, out);
  }
  return out;
}

const previous = process.umask();
afterEach(() => { process.umask(previous); });

describe('FS-10 state dir modes under umask 000', () => {
  it('sessions, pairing, cron, memory index, cache, credentials: files 0600, dirs 0700', async () => {
    process.umask(0);
    const fake = await startFakeProvider();
    try {
      const channel = createFakeChannel();
      // A state dir of the test's own: the test kit removes its temp dir on close.
      const stateDir = join(useTempDir().dir, 'state');
      const kernel = await createTestKernel({
        env: { MOLTBOT_STATE_DIR: stateDir },
        config: {
          agent: { model: 'fake/m' },
          providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'k' } },
          gateway: { auth: { mode: 'password' } },
          cache: { tiers: ['memory', 'disk'] },
          channels: { [channel.adapter.id]: { dmPolicy: 'pairing' } },
          cron: { jobs: [{ id: 'daily', every: '1d', message: 'hello' }] },
          plugins: ['auth-token', 'cache', 'cache-memory', 'cache-disk', 'session-store-file', 'provider-openai', 'agent', 'tools-fs', 'tool-policy', 'memory', 'channels', channel.plugin, 'cron'],
        },
      });
      await kernel.use(agentServiceRef).run({ sessionKey: 'agent:main:main', message: 'remember this' });
      await channel.inject({ sender: 'stranger', text: 'hi' });
      await (kernel.use('cache') as { namespace(n: string): { set(k: string, v: unknown): Promise<void> } }).namespace('t').set('k', 'v');
      await (kernel.use(memoryServiceRef) as { sync(): Promise<unknown> }).sync();
      await kernel.close();
      const entries = walk(stateDir);
      // What this run must have created (so an empty walk cannot pass).
      for (const file of ['cache/cache.sqlite', 'credentials/gateway-token', 'credentials/pairing/fake.json', 'cron/jobs.json', 'state/agents/main/sessions/sessions.json']) {
        expect(entries.map((e) => e.path.slice(stateDir.length + 1))).toContain(file);
      }
      const loose = entries.filter((e) => (e.dir ? e.mode !== 0o700 : e.mode !== 0o600)).map((e) => `${e.path.slice(stateDir.length)} ${e.mode.toString(8)}`);
      expect(loose).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});
