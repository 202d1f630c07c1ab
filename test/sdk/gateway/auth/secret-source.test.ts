import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../core/log.ts';
import { createSecretSource } from '../../../../sdk/gateway/auth/secret-source.ts';
import { useTempDir } from '../../../helpers/temp-dir.ts';

function capture() {
  const lines: string[] = [];
  return { lines, log: createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(line) } }) };
}

/** Rewrites a file and moves its mtime, so a same-size edit within one clock tick is still seen. */
function rewrite(write: (path: string, content: string) => string, path: string, content: string, tick: number): string {
  const file = write(path, content);
  utimesSync(file, tick, tick);
  return file;
}

describe('gateway secret source', () => {
  it('object config: env variables win, and are read at every call', async () => {
    const { dir } = useTempDir();
    const env: Record<string, string | undefined> = {};
    const source = createSecretSource({
      initial: () => ({ gateway: { auth: { mode: 'password', password: 'from-config-1' } } }),
      stateDir: join(dir, 'state'), cwd: dir, log: capture().log, env: () => env,
    });
    expect(await source.current()).toEqual({ mode: 'password', password: 'from-config-1' });
    env.CLAWDBOT_GATEWAY_PASSWORD = 'from-clawdbot-env';
    expect((await source.current()).password).toBe('from-clawdbot-env');
    env.MOLTBOT_GATEWAY_PASSWORD = 'from-moltbot-env';
    expect((await source.current()).password).toBe('from-moltbot-env');
    env.MOLTBOT_GATEWAY_PASSWORD = '';
    env.CLAWDBOT_GATEWAY_PASSWORD = undefined;
    expect((await source.current()).password).toBe('from-config-1');
    env.MOLTBOT_GATEWAY_TOKEN = 'tok-from-env';
    expect(await source.current()).toEqual({ mode: 'password', password: 'from-config-1', token: 'tok-from-env' });
  });

  it('AU-12: a rotated config file is picked up without a restart; a broken edit keeps the last good secret', async () => {
    const temp = useTempDir();
    const file = rewrite(temp.write, 'moltbot.config.json', JSON.stringify({ gateway: { auth: { mode: 'password', password: 'first-password' } } }), 1_000);
    const { lines, log } = capture();
    const source = createSecretSource({ initial: () => ({}), configFile: file, stateDir: join(temp.dir, 'state'), cwd: temp.dir, log, env: () => ({}) });
    expect((await source.current()).password).toBe('first-password');
    rewrite(temp.write, 'moltbot.config.json', JSON.stringify({ gateway: { auth: { mode: 'token', token: 'rotated-token-value' } } }), 2_000);
    expect(await source.current()).toEqual({ mode: 'token', token: 'rotated-token-value' });
    rewrite(temp.write, 'moltbot.config.json', '{ "gateway": { "auth": { "password": "canary-0b1c2d3e" ', 3_000);
    expect(await source.current()).toEqual({ mode: 'token', token: 'rotated-token-value' });
    expect(lines.join('\n')).toContain('config re-read failed');
    expect(lines.join('\n')).not.toContain('canary-0b1c2d3e');
    expect(lines.join('\n')).not.toContain('rotated-token-value');
  });

  it('the seed file <stateDir>/clawdbot.json counts, and ${VAR} references use the current environment', async () => {
    const temp = useTempDir();
    const env: Record<string, string | undefined> = { GW_SECRET: 'substituted-1' };
    rewrite(temp.write, 'state/clawdbot.json', JSON.stringify({ gateway: { auth: { password: '${GW_SECRET}' } } }), 1_000);
    const source = createSecretSource({ initial: () => ({}), stateDir: join(temp.dir, 'state'), cwd: temp.dir, log: capture().log, env: () => env });
    expect((await source.current()).password).toBe('substituted-1');
    env.GW_SECRET = 'substituted-2';
    expect((await source.current()).password).toBe('substituted-2');
  });

  it('re-reads only when something changed', async () => {
    const temp = useTempDir();
    const file = rewrite(temp.write, 'moltbot.config.json', JSON.stringify({ gateway: { auth: { password: 'stable-secret' } } }), 1_000);
    const source = createSecretSource({ initial: () => ({}), configFile: file, stateDir: join(temp.dir, 'state'), cwd: temp.dir, log: capture().log, env: () => ({}) });
    await source.current();
    const began = performance.now();
    for (let i = 0; i < 200; i++) await source.current();
    // 200 stats, no config loads: far below what 200 cosmiconfig runs would take.
    expect(performance.now() - began).toBeLessThan(500);
  });
});
