// The fingerprint of everything the UI build reads: its sources (and sdk/protocol, which they
// import), index.html, the Vite config and the exact versions of the bundled packages. The build
// writes it to built/.source-hash; test/plugins/control-ui/build.test.ts recomputes it, so a
// source change without a rebuild fails.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const UI_DIR = dirname(fileURLToPath(import.meta.url));
const BUNDLED = ['preact', 'uplot', 'vite'];

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : [path];
  });
}

export function uiSourceHash() {
  const hash = createHash('sha256');
  // sdk/protocol: the frame types ui/src imports by relative path (moltbot/protocol).
  const inputs = [...files(join(UI_DIR, 'src')), ...files(join(UI_DIR, '..', 'sdk', 'protocol')), join(UI_DIR, 'index.html'), join(UI_DIR, 'vite.config.ts'), join(UI_DIR, 'source-hash.mjs')].sort();
  for (const file of inputs) {
    hash.update(relative(UI_DIR, file).split(sep).join('/')).update('\0').update(readFileSync(file)).update('\0');
  }
  const lock = JSON.parse(readFileSync(join(UI_DIR, '..', 'package-lock.json'), 'utf8'));
  for (const name of BUNDLED) hash.update(`${name}@${lock.packages?.[`node_modules/${name}`]?.version ?? 'missing'}\0`);
  return hash.digest('hex');
}
