/** The workspace path guard and file operations (security-tests §4.5 FS-01..FS-09). */
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editWorkspaceFile, readWorkspaceFile, writeWorkspaceFile } from '../../../sdk/workspace/file-ops.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const CAP = 1024;

function setup() {
  const root = useTempDir().dir;
  const ws = join(root, 'w');
  const outside = join(root, 'outside');
  mkdirSync(join(ws, 'sub'), { recursive: true });
  mkdirSync(outside);
  mkdirSync(join(root, 'w-evil'));
  writeFileSync(join(ws, 'notes.txt'), 'inside');
  writeFileSync(join(outside, 'secret.txt'), 'SECRET');
  writeFileSync(join(root, 'w-evil', 'x'), 'EVIL');
  return { root, ws, outside };
}

const codeOf = (work: Promise<unknown>) => work.then(() => 'ok', (e: { code?: string; message: string }) => e.code ?? e.message);

describe('tools-fs file operations', () => {
  it('reads, writes atomically (mode kept, no temp left) and edits inside the workspace', async () => {
    const { ws } = setup();
    expect(await readWorkspaceFile(ws, 'notes.txt', CAP)).toBe('inside');
    writeFileSync(join(ws, 'script.sh'), 'a', { mode: 0o750 });
    expect(await writeWorkspaceFile(ws, 'script.sh', 'b', CAP)).toEqual({ bytes: 1, created: false });
    expect(statSync(join(ws, 'script.sh')).mode & 0o777).toBe(0o750);
    expect(await writeWorkspaceFile(ws, 'sub/new.txt', 'hello world', CAP)).toEqual({ bytes: 11, created: true });
    expect(await editWorkspaceFile(ws, 'sub/new.txt', 'world', 'there', CAP)).toEqual({ bytes: 11 });
    expect(readFileSync(join(ws, 'sub/new.txt'), 'utf8')).toBe('hello there');
    expect(readdirSync(join(ws, 'sub'))).toEqual(['new.txt']);
    await expect(editWorkspaceFile(ws, 'sub/new.txt', 'zzz', 'y', CAP)).rejects.toMatchObject({
      code: 'MOLT_ERR_TOOL_EDIT_NO_MATCH', message: 'oldText does not occur in "sub/new.txt"; it must occur exactly once',
    });
  });

  it.each([
    ['../../etc/passwd', 'MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE'],
    ['/etc/passwd', 'MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE'],
    ['sub/../../x', 'MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE'],
    ['../w-evil/x', 'MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE'],
    ['.', 'MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE'],
    ['~/.moltbot/config.json', 'MOLT_ERR_TOOL_PATH_INVALID'],
    ['..\\x', 'MOLT_ERR_TOOL_PATH_INVALID'],
    ['%2e%2e/x', 'MOLT_ERR_TOOL_PATH_INVALID'],
    ['notes.txt\0.png', 'MOLT_ERR_TOOL_PATH_INVALID'],
    ['', 'MOLT_ERR_TOOL_PATH_INVALID'],
  ])('FS-01/FS-02 %j is refused for read and write (%s)', async (path, code) => {
    const { ws } = setup();
    expect(await codeOf(readWorkspaceFile(ws, path, CAP))).toBe(code);
    expect(await codeOf(writeWorkspaceFile(ws, path, 'x', CAP))).toBe(code);
  });

  it('FS-01 the error names the parameter and escapes the value', async () => {
    const { ws } = setup();
    await expect(readWorkspaceFile(ws, '../../etc/passwd\n', CAP)).rejects.toThrowErrorMatchingInlineSnapshot(`[FsToolError: path "../../etc/passwd\\n" is outside the workspace]`);
  });

  it('FS-03 symlinks out (file, dir, dangling, chain) are refused for read and write; inside links work', async () => {
    const { ws, outside } = setup();
    symlinkSync(join(outside, 'secret.txt'), join(ws, 'file-link'));
    symlinkSync(outside, join(ws, 'dir-link'));
    symlinkSync(join(outside, 'missing.txt'), join(ws, 'dangling'));
    symlinkSync(join(ws, 'file-link'), join(ws, 'chain'));
    symlinkSync(join(ws, 'notes.txt'), join(ws, 'inside-link'));
    symlinkSync(join(ws, 'sub'), join(ws, 'sub-link'));
    for (const path of ['file-link', 'dir-link/secret.txt', 'dir-link/new.txt', 'dangling', 'chain']) {
      expect([path, await codeOf(readWorkspaceFile(ws, path, CAP))]).toEqual([path, 'MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE']);
      expect([path, await codeOf(writeWorkspaceFile(ws, path, 'PWNED', CAP))]).toEqual([path, 'MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE']);
    }
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('SECRET');
    expect(readdirSync(outside)).toEqual(['secret.txt']);
    expect(await readWorkspaceFile(ws, 'inside-link', CAP)).toBe('inside');
    await writeWorkspaceFile(ws, 'sub-link/via-link.txt', 'ok', CAP);
    expect(readFileSync(join(ws, 'sub', 'via-link.txt'), 'utf8')).toBe('ok');
  });

  it('FS-03 seeded fuzz: 40 random link layouts never reach outside', async () => {
    const { ws, outside } = setup();
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const targets = [outside, join(outside, 'secret.txt'), join(ws, 'sub'), join(ws, 'notes.txt'), join(outside, 'nope'), '..', '../outside'];
    for (let i = 0; i < 40; i++) {
      const name = `l${i}`;
      const depth = rand(3);
      const dir = join(ws, ...Array.from({ length: depth }, (_, d) => `d${i}_${d}`));
      mkdirSync(dir, { recursive: true });
      symlinkSync(targets[rand(targets.length)] as string, join(dir, name));
      const rel = [...Array.from({ length: depth }, (_, d) => `d${i}_${d}`), name, ...(rand(2) ? ['secret.txt'] : [])].join('/');
      await writeWorkspaceFile(ws, rel, 'PWNED', CAP).catch(() => {});
      const read = await readWorkspaceFile(ws, rel, CAP).catch(() => '');
      expect(read).not.toBe('SECRET');
    }
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('SECRET');
    expect(readdirSync(outside)).toEqual(['secret.txt']);
  });

  it('FS-04 a hard link to an outside file is refused for write and read', async () => {
    const { ws, outside } = setup();
    linkSync(join(outside, 'secret.txt'), join(ws, 'alias.txt'));
    expect(await codeOf(writeWorkspaceFile(ws, 'alias.txt', 'PWNED', CAP))).toBe('MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE');
    expect(await codeOf(readWorkspaceFile(ws, 'alias.txt', CAP))).toBe('MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE');
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('SECRET');
  });

  it('FS-09 FIFO, device link, directory and oversized files are refused without blocking', async () => {
    const { ws } = setup();
    execFileSync('mkfifo', [join(ws, 'pipe')]);
    mkdirSync(join(ws, 'folder'));
    writeFileSync(join(ws, 'big.txt'), 'x'.repeat(CAP + 1));
    symlinkSync('/dev/zero', join(ws, 'zero'));
    expect(await codeOf(readWorkspaceFile(ws, 'pipe', CAP))).toBe('MOLT_ERR_TOOL_NOT_A_FILE');
    expect(await codeOf(writeWorkspaceFile(ws, 'pipe', 'x', CAP))).toBe('MOLT_ERR_TOOL_NOT_A_FILE');
    expect(await codeOf(readWorkspaceFile(ws, 'folder', CAP))).toBe('MOLT_ERR_TOOL_NOT_A_FILE');
    expect(await codeOf(writeWorkspaceFile(ws, 'folder', 'x', CAP))).toBe('MOLT_ERR_TOOL_NOT_A_FILE');
    expect(await codeOf(readWorkspaceFile(ws, 'zero', CAP))).toBe('MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE');
    expect(await codeOf(readWorkspaceFile(ws, 'big.txt', CAP))).toBe('MOLT_ERR_TOOL_FILE_TOO_LARGE');
    expect(await codeOf(writeWorkspaceFile(ws, 'big2.txt', 'x'.repeat(CAP + 1), CAP))).toBe('MOLT_ERR_TOOL_FILE_TOO_LARGE');
    expect(await codeOf(readWorkspaceFile(ws, 'missing.txt', CAP))).toBe('MOLT_ERR_TOOL_NOT_FOUND');
  });
});
