/** Workspace identity files: capped, cached by mtime, re-read only when a file changed. */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createIdentityFiles } from '../../../plugins/agent/identity-files.ts';

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'moltbot-identity-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('workspace identity files', () => {
  it('builds one section in a fixed order, each file capped and the whole capped', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'USER.md'), 'u'.repeat(50));
    writeFileSync(join(dir, 'AGENTS.md'), 'Rules.');
    writeFileSync(join(dir, 'IDENTITY.md'), 'i'.repeat(50));
    writeFileSync(join(dir, 'NOTES.md'), 'not an identity file');
    const files = createIdentityFiles({ maxFileChars: 20, maxTotalChars: 35, checkIntervalMs: 0 });
    const section = await files.section(dir);
    expect(section?.startsWith('# Workspace files\n\n## AGENTS.md\nRules.\n\n## USER.md\n' + 'u'.repeat(20))).toBe(true);
    expect(section).not.toContain('u'.repeat(21));
    // The total cap left USER.md 29 characters and nothing for IDENTITY.md.
    expect(section).toContain('…[truncated at 29 characters]');
    expect(section).not.toContain('IDENTITY.md');
    expect(section).not.toContain('not an identity file');
    expect(await createIdentityFiles().section(workspace())).toBeUndefined();
  });

  it('turns do not re-read unchanged files; a changed mtime re-reads that file only', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'SOUL.md'), 'soul v1');
    writeFileSync(join(dir, 'AGENTS.md'), 'agents v1');
    let now = 1000;
    const files = createIdentityFiles({ maxFileChars: 1000, maxTotalChars: 5000, checkIntervalMs: 500, now: () => now });
    expect(await files.section(dir)).toContain('soul v1');
    expect(files.reads).toBe(2);
    writeFileSync(join(dir, 'SOUL.md'), 'soul v2');
    utimesSync(join(dir, 'SOUL.md'), new Date(5_000_000), new Date(5_000_000));
    // Within the check interval: the cached section, no I/O at all.
    for (let turn = 0; turn < 5; turn++) expect(await files.section(dir)).toContain('soul v1');
    expect(files.reads).toBe(2);
    now += 500;
    const section = await files.section(dir);
    expect(section).toContain('soul v2');
    expect(section).toContain('agents v1');
    expect(files.reads).toBe(3);
    now += 500;
    await files.section(dir);
    expect(files.reads).toBe(3);
  });
});
