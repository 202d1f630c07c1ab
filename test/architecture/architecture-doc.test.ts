/** ARCHITECTURE.md's table of SDK areas keeps up with sdk/: every area has a row and a guide. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '../..');
const areas = readdirSync(path.join(REPO, 'sdk'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(path.join(REPO, 'sdk', entry.name, 'index.ts')))
  .map((entry) => entry.name)
  .sort();
const rows = new Map(readFileSync(path.join(REPO, 'ARCHITECTURE.md'), 'utf8').split('\n')
  .flatMap((line) => {
    const match = /^\| ([a-z-]+) \| `([^`]+)` \|/.exec(line);
    return match ? [[match[1]!, { line, specifier: match[2]! }] as const] : [];
  }));

describe('ARCHITECTURE.md', () => {
  it.each(areas)('has a row for sdk/%s with its import specifier and its guide docs/sdk/<area>.md', (area) => {
    const row = rows.get(area);
    expect(row, `add a row for "${area}" to the SDK areas table of ARCHITECTURE.md`).toBeDefined();
    expect(row!.specifier).toBe(area === 'protocol' ? 'moltbot/protocol' : `moltbot/plugin-sdk/${area}`);
    expect(row!.line).toContain(`(docs/sdk/${area}.md)`);
    expect(existsSync(path.join(REPO, 'docs', 'sdk', `${area}.md`)), `write docs/sdk/${area}.md`).toBe(true);
  });
});
