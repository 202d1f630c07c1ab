/** SB-17: no code path can hand untrusted input to the dangerous isolated-vm options. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../../plugins/sandbox/', import.meta.url));
const sources = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => ({ file: f, text: readFileSync(join(dir, f), 'utf8') }));

describe('sandbox sources', () => {
  it('SB-17 never pass cachedData, snapshot or inspector, and never put the ivm module on a context global', () => {
    for (const { file, text } of sources) {
      expect({ file, hits: text.match(/\b(cachedData|createSnapshot|snapshot:|inspector:)/g) }).toEqual({ file, hits: null });
      expect({ file, hits: text.match(/setSync\([^)]*\bivm\b\s*\)/g) }).toEqual({ file, hits: null });
    }
  });

  it('SB-17 isolated-vm is imported by the worker-side runner only (never by the gateway side)', () => {
    const importers = sources.filter(({ text }) => /from 'isolated-vm'|require\('isolated-vm'\)/.test(text)).map(({ file }) => file);
    expect(importers).toEqual(['isolate-runner.ts']);
    const gatewaySide = ['index.ts', 'pool.ts', 'worker-process.ts', 'capabilities.ts', 'user-tools.ts'];
    for (const file of gatewaySide) expect(sources.find((s) => s.file === file)?.text).not.toMatch(/isolate-runner/);
  });

  it('SB-16 the worker checks its flag before anything else', () => {
    const worker = sources.find((s) => s.file === 'worker.ts')?.text ?? '';
    expect(worker.indexOf('assertSnapshotDisabled(process.execArgv)')).toBeGreaterThan(0);
    expect(worker.indexOf('assertSnapshotDisabled(process.execArgv)')).toBeLessThan(worker.indexOf('new IsolateRunner'));
  });
});
