// Makes `npm start` and `npm test` work on a fresh clone: installs the locked dependencies
// (including Node 24 itself, the `node` devDependency) when node_modules is missing or older
// than package-lock.json. Plain JS that also runs on an older system Node, since on a fresh
// clone Node 24 is not installed yet.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || !existsSync('node_modules/.bin/node') ||
  statSync(marker).mtimeMs < statSync('package-lock.json').mtimeMs;
if (stale) {
  process.stderr.write('moltbot: installing dependencies (npm ci)...\n');
  execFileSync('npm', ['ci', '--no-fund', '--no-audit'], { stdio: 'inherit' });
}
