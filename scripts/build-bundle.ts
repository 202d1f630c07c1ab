/**
 * The package's JavaScript (`npm run build`, after tsc has emitted the declarations): every
 * public entry — the package exports, the CLI, the sandbox worker — bundled by rolldown into
 * dist/ at the path the exports name (dist/app/index.js, dist/sdk/core/index.js, …), the code
 * they share in dist/chunks/. One copy of each module, whichever entry loads it first: a plugin
 * importing `moltbot/plugin-sdk/core` meets the same MoltbotError the kernel throws. The ≈ 460
 * modules of the sources and the dependencies' files they import become a few dozen files, which
 * is what makes an installed gateway start faster and idle smaller (plugins/gateway/README.md,
 * *Start-up*). The dependencies are bundled too, except those that read their own files at run
 * time (STAYS_INSTALLED) and the user's own peers; their licences are written to
 * dist/THIRD-PARTY-LICENSES.md. They stay in `dependencies`: the declarations name their types.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, sep } from 'node:path';
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

/**
 * Dependencies left to npm: each finds files of its own package at run time, which a bundle
 * would not carry. isolated-vm loads its native addon, playwright-core its injected scripts and
 * browser registry, unpdf's PDF.js its worker and font data by URL.
 */
export const STAYS_INSTALLED = ['isolated-vm', 'playwright-core', 'unpdf'];

/** `@scope/name` or `name` of a bare specifier (`ajv/dist/runtime/equal` → `ajv`). */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Node's built-ins, STAYS_INSTALLED and the peers (the user's own vitest) stay imports; everything else is bundled. */
export function externalFor(root = ROOT): (id: string) => boolean {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { peerDependencies?: Record<string, string> };
  const kept = new Set([...STAYS_INSTALLED, ...Object.keys(manifest.peerDependencies ?? {})]);
  return (id) => {
    if (id.startsWith('.') || id.startsWith('/') || id.startsWith('\0')) return false;
    return isBuiltin(id) || kept.has(packageName(id));
  };
}

/** The folder of the package a bundled file belongs to (the last node_modules/<name> or node_modules/@scope/name in its path). */
function packageRoot(file: string): string | undefined {
  const marker = `${sep}node_modules${sep}`;
  const at = file.lastIndexOf(marker);
  if (at < 0) return undefined;
  const rest = file.slice(at + marker.length).split(sep);
  return file.slice(0, at + marker.length) + (rest[0]!.startsWith('@') ? rest.slice(0, 2) : rest.slice(0, 1)).join(sep);
}

const LICENCE_FILE = /^(licen[cs]e|copying)(\.|-|$)/i;

/** One section per bundled package: name, version, licence and the text of its licence file. */
export function thirdPartyLicences(moduleIds: Iterable<string>): string {
  const sections = new Map<string, string>();
  for (const root of new Set(Array.from(moduleIds, packageRoot))) {
    if (root === undefined) continue;
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
    const file = readdirSync(root).find((name) => LICENCE_FILE.test(name));
    const text = file === undefined ? `(no licence file in the package; package.json says ${manifest.license ?? 'nothing'})` : readFileSync(join(root, file), 'utf8').trim();
    sections.set(`${manifest.name}@${manifest.version}`, `## ${manifest.name} ${manifest.version} (${manifest.license ?? 'licence not declared'})\n\n${text}\n`);
  }
  const ordered = [...sections].sort(([a], [b]) => a.localeCompare(b)).map(([, section]) => section);
  return `# Third-party licences\n\nThe code of these packages is bundled into dist/ (scripts/build-bundle.ts).\n\n${ordered.join('\n')}`;
}

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
  const bundle = await rolldown({ input: entries(), platform: 'node', external: externalFor(), cwd: ROOT });
  try {
    const { output } = await bundle.write({
      dir: OUT, format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: false,
      // V8 keeps every loaded module's source in the heap, two bytes a character when one
      // character is outside Latin-1 (an arrow or a dash in a message): ASCII escapes keep
      // them one byte, and the declarations carry the JSDoc. 2-3 MB less resident at idle.
      // Comments can carry such a character too (a licence header naming its author): the
      // licences are in THIRD-PARTY-LICENSES.md instead.
      charset: 'ascii', comments: false,
    });
    const bundled = output.flatMap((file) => file.type === 'chunk' ? file.moduleIds : []);
    writeFileSync(join(OUT, 'THIRD-PARTY-LICENSES.md'), thirdPartyLicences(bundled));
    process.stdout.write(`build-bundle: ${output.length} files in dist/ (${Object.keys(entries()).length} entries)\n`);
  } finally {
    await bundle.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await build();
