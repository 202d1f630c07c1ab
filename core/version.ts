/** The package's own version, read from package.json both from source (core/) and from dist/core/. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findManifest(): { name: string; version: string } {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'moltbot' && typeof manifest.version === 'string') return { name: manifest.name, version: manifest.version };
    } catch {
      // no package.json at this level: keep walking up
    }
    if (dirname(dir) === dir) throw new Error('moltbot: package.json not found above ' + import.meta.url);
  }
}

export const PACKAGE = findManifest();
export const KERNEL_VERSION = PACKAGE.version;
