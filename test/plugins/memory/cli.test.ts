/** `moltbot memory status | search | reindex` on the files and the persisted index. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

describe('moltbot memory', () => {
  it('status builds then reuses the index; search shows file:line; reindex rebuilds', async () => {
    const { dir, write } = useTempDir();
    write('moltbot.config.json', JSON.stringify({ agent: { workspace: join(dir, 'ws') } }));
    write('ws/MEMORY.md', '# Drinks\nPrefers green tea.\n');
    write('ws/memory/2026-01-02.md', '# 2026-01-02\n\nBooked the dentist for Friday.\n');
    const first = await runCliCaptured(['memory', 'status'], { cwd: dir });
    expect(first).toMatchObject({ code: 0, stdout: '2 files, 4 chunks (index new; re-indexed 2, dropped 0)\n' });
    const second = await runCliCaptured(['memory', 'status'], { cwd: dir });
    expect(second.stdout).toBe('2 files, 4 chunks (index loaded; re-indexed 0, dropped 0)\n');
    const search = await runCliCaptured(['memory', 'search', 'dentist', 'friday'], { cwd: dir });
    expect(search.stdout).toMatch(/^memory\/2026-01-02\.md:3  \([\d.]+\)\n  Booked the dentist for Friday\.\n$/);
    expect((await runCliCaptured(['memory', 'search', 'zebra'], { cwd: dir })).stdout).toBe('no match\n');
    expect((await runCliCaptured(['memory', 'reindex'], { cwd: dir })).stdout).toBe('re-indexed 2 memory files\n');
  });
});
