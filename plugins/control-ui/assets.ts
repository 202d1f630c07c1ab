/**
 * The built dashboard, read once at start-up into memory: a map from URL path to bytes, content
 * type and cache policy. Only files found in the build folder are ever served (each one an
 * exact route), so no request path reaches the file system: traversal has nothing to walk.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

export const BASE_PATH = '/ui/';

export interface Asset {
  body: Buffer;
  contentType: string;
  /** Content-hashed file name: cached for a year; everything else is revalidated. */
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite names hashed assets `name-<8+ chars of base64url>.ext` under assets/. */
const HASHED = /^assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

export function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const file = join(folder, entry.name);
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile() && statSync(file).size > 0) {
        const path = relative(dir, file).split(sep).join('/');
        const contentType = TYPES[extname(file).toLowerCase()];
        if (contentType === undefined) continue;
        assets.set(`${BASE_PATH}${path}`, { body: readFileSync(file), contentType, immutable: HASHED.test(path) });
      }
    }
  };
  walk(dir);
  const index = assets.get(`${BASE_PATH}index.html`);
  if (index === undefined) throw new Error(`no index.html in ${dir}`);
  assets.delete(`${BASE_PATH}index.html`);
  assets.set(BASE_PATH, index);
  return assets;
}
