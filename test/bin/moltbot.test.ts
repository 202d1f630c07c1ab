import { describe, expect, it } from 'vitest';
import { KERNEL_VERSION } from '../../core/version.ts';
import { BIN, spawnNode } from '../helpers/cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

/** Prints every module the process resolves, so a test sees what a command loaded. */
const TRACE_RESOLVE = `data:text/javascript,import m from 'node:module'; m.registerHooks({ resolve(s, c, n) { process.stderr.write('resolve ' + s + '\\n'); return n(s, c); } });`;

describe('bin/moltbot.js', () => {
  for (const flag of ['--version', '-V']) {
    it(`${flag} prints the package version without loading the CLI`, async () => {
      const { dir } = useTempDir();
      const result = await spawnNode(['--import', TRACE_RESOLVE, BIN, flag], { cwd: dir });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${KERNEL_VERSION}\n`);
      expect(result.stderr).not.toMatch(/cli\.(ts|js)/);
    });
  }

  it('a version flag among other arguments is left to the CLI', async () => {
    const { dir } = useTempDir();
    const result = await spawnNode(['--import', TRACE_RESOLVE, BIN, '--version', 'status'], { cwd: dir });
    expect(result.stderr).toMatch(/cli\.(ts|js)/);
    expect(result.stdout).toBe(`${KERNEL_VERSION}\n`);
  });
});
