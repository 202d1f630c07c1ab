/**
 * The package's JavaScript (`npm run build`, after tsc has emitted the declarations): every
 * public entry — the package exports, the CLI, the sandbox worker — bundled by rolldown into
 * dist/ at the path the exports name (dist/app/index.js, dist/sdk/core/index.js, …), the code
 * they share in dist/chunks/. One copy of each module, whichever entry loads it first: a plugin
 * importing `moltbot/plugin-sdk/core` meets the same MoltbotError the kernel throws. The ≈ 460
 * modules of the sources become a few dozen files, which is what makes an installed gateway
 * start faster and idle smaller (plugins/gateway/README.md, *Start-up*). Dependencies stay
 * external: npm installs them, and several read their own files at run time.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'dist');

/** Output path (without .js) → source. */
export function entries(root = ROOT): Record<string, string> {
  const input: Record<string, string> = {
    'app/index': 'app/index.ts',
    'app/testing': 'app/testing.ts',
    'app/cli': 'app/cli.ts',
    // Forked by plugins/sandbox/worker-process.ts from the package root.
    'plugins/sandbox/worker': 'plugins/sandbox/worker.ts',
  };
  for (const area of readdirSync(join(root, 'sdk'))) {
    if (existsSync(join(root, 'sdk', area, 'index.ts'))) input[`sdk/${area}/index`] = `sdk/${area}/index.ts`;
  }
  return Object.fromEntries(Object.entries(input).map(([name, source]) => [name, join(root, source)]));
}

/** A bare specifier (a dependency, `node:*`) stays an import; the project's own files are bundled. */
const external = (id: string) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0');

/** JavaScript an earlier build left in dist/ (a module since removed, or tsc's per-file output): npm would pack it. */
function removeJavaScript(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) removeJavaScript(path);
    else if (entry.name.endsWith('.js')) rmSync(path);
  }
}

async function build(): Promise<void> {
  // The declarations tsc just wrote stay.
  removeJavaScript(OUT);
  const bundle = await rolldown({ input: entries(), platform: 'node', external, cwd: ROOT });
  try {
    const { output } = await bundle.write({
      dir: OUT, format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: false,
      // V8 keeps every loaded module's source in the heap, two bytes a character when one
      // character is outside Latin-1 (an arrow or a dash in a message): ASCII escapes keep
      // them one byte, and the declarations carry the JSDoc. 2-3 MB less resident at idle.
      charset: 'ascii', comments: { legal: true, annotation: false, jsdoc: false },
    });
    process.stdout.write(`build-bundle: ${output.length} files in dist/ (${Object.keys(entries()).length} entries)\n`);
  } finally {
    await bundle.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await build();
