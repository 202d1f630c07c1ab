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
  const steps: [string, string[]][] = [['npm', ['run', '--silent', 'build']], [tsc, ['-p', 'tsconfig.json']]];
  for (const [command, args] of steps) {
    try {
      execFileSync(command, args, { cwd: root, stdio: 'pipe' });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
      throw new Error(`${command} ${args.join(' ')} failed:\n${stdout?.toString() ?? ''}${stderr?.toString() ?? String(error)}`);
    }
  }
}
