/** docs/errors.md is the one table of every error code: it must list what the code registers. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS_FILE, renderErrorsDocument } from '../../scripts/docs-errors.ts';

describe('docs/errors.md', () => {
  it('is what scripts/docs-errors.ts generates (run `node scripts/docs-errors.ts` when this fails)', async () => {
    const rendered = await renderErrorsDocument();
    expect(readFileSync(ERRORS_FILE, 'utf8') === rendered).toBe(true);
  });

  it('lists kernel codes and the codes plugins register, once each', async () => {
    const rendered = await renderErrorsDocument();
    const codes = [...rendered.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((match) => match[1]);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toContain('MOLT_ERR_CONFIG_INVALID');
  });
});
