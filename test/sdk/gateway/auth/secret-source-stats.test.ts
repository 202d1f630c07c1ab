/**
 * The secret source runs at every handshake: each config file is stat'ed once per call (the seed
 * file's stamp both decides whether the files count and is part of the stamp).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const stats = vi.hoisted(() => ({ paths: [] as string[] }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const statSync = ((path: string, options?: object) => {
    stats.paths.push(String(path));
    return real.statSync(path, options as never);
  }) as typeof real.statSync;
  return { ...real, statSync, default: { ...real, statSync } };
});

const { createLogger } = await import('../../../../core/log.ts');
const { createSecretSource } = await import('../../../../sdk/gateway/auth/secret-source.ts');
const { useTempDir } = await import('../../../helpers/temp-dir.ts');

const log = createLogger({ level: 'silent' });

describe('gateway secret source: stats per call', () => {
  it('stats the seed file once per call, present or absent', async () => {
    const { dir } = useTempDir();
    const source = createSecretSource({ initial: () => ({ gateway: { auth: { mode: 'password', password: 'p' } } }), stateDir: dir, cwd: dir, log, env: () => ({}) });
    await source.current();
    stats.paths.length = 0;
    await source.current();
    expect(stats.paths).toEqual([join(dir, 'clawdbot.json')]);

    writeFileSync(join(dir, 'clawdbot.json'), JSON.stringify({ gateway: { auth: { password: 'from-seed' } } }));
    expect((await source.current()).password).toBe('from-seed');
    stats.paths.length = 0;
    expect((await source.current()).password).toBe('from-seed');
    expect(stats.paths).toEqual([join(dir, 'clawdbot.json')]);
  });

  it('with a config file: each file once per call', async () => {
    const { dir } = useTempDir();
    const configFile = join(dir, 'moltbot.config.json');
    writeFileSync(configFile, JSON.stringify({ gateway: { auth: { mode: 'password', password: 'from-file' } } }));
    const source = createSecretSource({ initial: () => ({}), configFile, stateDir: join(dir, 'state'), cwd: dir, log, env: () => ({}) });
    expect((await source.current()).password).toBe('from-file');
    stats.paths.length = 0;
    await source.current();
    expect(stats.paths).toEqual([configFile, join(dir, 'state', 'clawdbot.json')]);
  });
});
