/**
 * The package's own manifest and root folder, found from source (core/) and from dist/core/
 * alike: files shipped beside the code (bin/, templates/, deploy/) are found from PACKAGE.root,
 * never by a path relative to a module (that path differs under dist/).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface OwnPackage {
  name: 'moltbot';
  version: string;
  root: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

function findManifest(): OwnPackage {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Partial<OwnPackage> & { name?: string };
      if (manifest.name === 'moltbot' && typeof manifest.version === 'string') {
        return { name: 'moltbot', version: manifest.version, root: dir, dependencies: manifest.dependencies ?? {}, devDependencies: manifest.devDependencies ?? {} };
      }
    } catch {
      // no package.json at this level: keep walking up
    }
    if (dirname(dir) === dir) throw new Error('moltbot: package.json not found above ' + import.meta.url);
  }
}

export const PACKAGE: Readonly<OwnPackage> = Object.freeze(findManifest());
export const KERNEL_VERSION = PACKAGE.version;
