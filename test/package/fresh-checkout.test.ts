/**
 * A fresh clone, never built (no dist/): config files and plugins importing `moltbot` and
 * `moltbot/plugin-sdk/<area>` work straight from the sources, through bin/own-package.js (the
 * `moltbot-source` export condition). The test suite's global setup builds dist/ in this
 * checkout, so the clone is made in a temp folder, sharing only node_modules/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, spawnNode } from '../helpers/cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

let root: string;
let clone: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'moltbot-clone-'));
  clone = join(root, 'moltbot');
  execFileSync('git', ['clone', '--quiet', REPO, clone], { stdio: 'pipe', timeout: 60_000 });
  symlinkSync(join(REPO, 'node_modules'), join(clone, 'node_modules'), 'dir');
}, 90_000);

afterAll(() => { if (root) rmSync(root, { recursive: true, force: true }); });

const cli = (args: string[], cwd: string) => spawnNode([join(clone, 'bin', 'moltbot.js'), ...args], { cwd, timeoutMs: 30_000 });

describe('a fresh checkout without a build step', () => {
  it('has no dist/', () => {
    expect(existsSync(join(clone, 'app', 'cli.ts'))).toBe(true);
    expect(existsSync(join(clone, 'dist'))).toBe(false);
  });

  it('validates a config importing moltbot and moltbot/plugin-sdk/core, and loads a plugin importing the SDK', async () => {
    const user = useTempDir('moltbot-fresh-user-');
    user.write('hello.ts', `
import { definePlugin, KERNEL_VERSION } from 'moltbot/plugin-sdk/core';

export default definePlugin({
  name: 'fresh-hello',
  version: '0.1.0',
  kernel: '^' + KERNEL_VERSION,
  setup(ctx) { ctx.hooks.ready.tap(ctx.name, () => ctx.log.info('fresh-hello ready')); },
});
`);
    user.write('moltbot.config.ts', `
import { defineConfig } from 'moltbot';
import { KERNEL_VERSION } from 'moltbot/plugin-sdk/core';

export default defineConfig({ agent: { model: 'anthropic/claude-' + KERNEL_VERSION }, plugins: ['./hello.ts'] });
`);
    const validated = await cli(['config', 'validate'], user.dir);
    expect(validated.stderr).toBe('');
    expect(validated.code).toBe(0);
    expect(validated.stdout).toMatch(/^Config OK: .*moltbot\.config\.ts;.*fresh-hello/);

    const listed = await cli(['plugins', 'list', '--json'], user.dir);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { name: string; status: string }[]).find((row) => row.name === 'fresh-hello')).toMatchObject({ status: 'set-up' });
    // Still no build: the sources ran.
    expect(existsSync(join(clone, 'dist'))).toBe(false);
  });

  it('scaffolds a plugin linked to the checkout and says to build it once', async () => {
    const user = useTempDir('moltbot-fresh-create-');
    const created = await cli(['plugin', 'create', 'fresh-one', '--yes'], user.dir);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`(once) build the moltbot checkout it links to: cd ${clone} && npm run build`);
  });
});
