/** docs/plugins.md carries the hook catalogue generated from core/hooks.ts: it must not go stale. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HOOK_DOCS } from '../../core/hooks.ts';
import { DOCS_FILE, renderHookTable, withHookTable } from '../../scripts/docs-hooks.ts';

describe('docs/plugins.md', () => {
  it('has the hook table scripts/docs-hooks.ts generates (run `node scripts/docs-hooks.ts` when this fails)', () => {
    const document = readFileSync(DOCS_FILE, 'utf8');
    expect(withHookTable(document) === document).toBe(true);
  });

  it('lists every hook of the catalogue once, escaping table separators', () => {
    const table = renderHookTable();
    for (const name of Object.keys(HOOK_DOCS)) expect(table.split('\n').filter((line) => line.startsWith(`| \`${name}\` |`))).toHaveLength(1);
    expect(table.split('\n')).toHaveLength(Object.keys(HOOK_DOCS).length + 2);
  });

  it('refuses a document without the generated-section markers', () => {
    expect(() => withHookTable('# no markers\n')).toThrow(/markers .* not found/);
  });
});
