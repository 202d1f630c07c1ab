// Builds the control UI into ui/built (committed, shipped in the package): `npm run build:ui`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vite';
import { UI_DIR, uiSourceHash } from './source-hash.mjs';

export default defineConfig({
  root: UI_DIR,
  base: '/ui/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: join(UI_DIR, 'built'),
    emptyOutDir: true,
    // No inline polyfill script: the page's CSP allows only files from its own origin.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
  plugins: [{
    name: 'moltbot-source-hash',
    closeBundle() {
      writeFileSync(join(UI_DIR, 'built', '.source-hash'), `${uiSourceHash()}\n`);
    },
  }],
});
