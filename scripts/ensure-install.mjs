// Makes `npm start` and `npm test` work on a fresh clone: installs the locked dependencies
// (including Node 24 itself, the `node` devDependency) when node_modules is missing or older
// than package-lock.json. Plain JS that also runs on an older system Node, since on a fresh
// clone Node 24 is not installed yet.
//
// `npm ci` prints nothing for most of its ~35 s here, so this says what is happening, about how
// long it takes, and every few seconds that it is still going.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || !existsSync('node_modules/.bin/node') ||
  statSync(marker).mtimeMs < statSync('package-lock.json').mtimeMs;
if (stale) {
  const everyMs = Number(process.env.MOLTBOT_INSTALL_PROGRESS_MS) || 10_000;
  const began = Date.now();
  const seconds = () => Math.round((Date.now() - began) / 1000);
  const say = (text) => process.stderr.write(`moltbot: ${text}\n`);
  say(`${existsSync('node_modules') ? 'node_modules is older than package-lock.json' : 'first run in this checkout'}: installing the locked dependencies with \`npm ci\` (Node 24 included). This takes about 30-60 s (longer on a slow network) and happens once.`);
  const progress = setInterval(() => say(`still installing dependencies (${seconds()} s)...`), everyMs);
  const code = await new Promise((resolve) => {
    // npm runs on the machine's own Node (often older than 24): its engine warnings are noise
    // here, since the locked `node` devDependency brings Node 24; errors still print.
    const child = spawn('npm', ['ci', '--no-fund', '--no-audit', '--loglevel=error'], { stdio: 'inherit' });
    child.on('error', (error) => { say(`could not run npm: ${error.message}`); resolve(1); });
    child.on('close', (exitCode) => resolve(exitCode ?? 1));
  });
  clearInterval(progress);
  if (code !== 0) {
    say(`\`npm ci\` failed (exit ${code}) after ${seconds()} s; its messages are above. Fix the cause and run the command again.`);
    process.exit(code);
  }
  say(`dependencies installed in ${seconds()} s.`);
}
