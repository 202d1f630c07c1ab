/**
 * Builds dist/ once per test run, as `npm run build` does (tsc's declarations, then the bundle
 * of scripts/build-bundle.ts): tests that act as a user (a temp project importing 'moltbot')
 * load the package the way npm installs it, through its exports. The same tsc runs type-check
 * the sources, so a type error fails the suite.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsc = fileURLToPath(new URL('../node_modules/.bin/tsc', import.meta.url));
  for (const project of ['tsconfig.build.json', 'tsconfig.json']) {
    try {
      execFileSync(tsc, ['-p', project], { cwd: root, stdio: 'pipe' });
    } catch (error) {
      const output = (error as { stdout?: Buffer }).stdout?.toString() ?? String(error);
      throw new Error(`tsc -p ${project} failed:\n${output}`);
    }
  }
  try {
    execFileSync(process.execPath, ['scripts/build-bundle.ts'], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    throw new Error(`scripts/build-bundle.ts failed:\n${(error as { stderr?: Buffer }).stderr?.toString() ?? String(error)}`);
  }
}
