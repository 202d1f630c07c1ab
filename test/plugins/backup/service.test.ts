import { appendFileSync, chmodSync, existsSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createBackupService } from '../../../plugins/backup/service.ts';
import { DEFAULT_LIMITS } from '../../../plugins/backup/read-archive.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { digestTree, sampleSources } from './fixtures.ts';

function setup(extraSources: (base: string) => { name: string; path: string; plugin: string }[] = () => []) {
  const { dir } = useTempDir('moltbot-backup-');
  const sources = sampleSources(dir);
  const service = createBackupService({
    dir: join(dir, 'backups'), retention: { days: 30 }, limits: DEFAULT_LIMITS, version: '1.0.0',
    cwd: dir, stateDir: join(dir, 'state'), sources: () => [...sources, ...extraSources(dir)],
  });
  return { dir, sources, service };
}

describe('backup create → restore', () => {
  it('round-trips every source: same files, contents and modes (BK-08)', async () => {
    const { dir, service } = setup();
    const created = await service.create();
    expect(created.files).toBe(7);
    const restored = await service.restore(created.path, { to: join(dir, 'restored') });
    expect(restored.mode).toBe('target');
    expect(digestTree(join(dir, 'restored/workspace'))).toEqual(digestTree(join(dir, 'clawd')));
    expect(digestTree(join(dir, 'restored/sessions'))).toEqual(digestTree(join(dir, 'state/agents')));
    expect(readFileSync(join(dir, 'restored/config/clawdbot.json'), 'utf8')).toBe(readFileSync(join(dir, 'clawdbot.json'), 'utf8'));
    expect(statSync(join(dir, 'restored/workspace/secret.txt')).mode & 0o777).toBe(0o600);
  });

  it('writes 0600 archives in a 0700 folder even under umask 000 (BK-03)', async () => {
    const previous = process.umask(0);
    try {
      const { service } = setup();
      const created = await service.create();
      expect(statSync(created.path).mode & 0o777).toBe(0o600);
      expect(statSync(service.dir).mode & 0o777).toBe(0o700);
    } finally {
      process.umask(previous);
    }
  });

  it('never overwrites an archive and refuses a backup folder inside a source (BK-02)', async () => {
    const { dir, service } = setup();
    writeFileSync(join(dir, 'taken.tar.gz'), 'x');
    await expect(service.create({ output: 'taken.tar.gz' })).rejects.toMatchObject({ code: 'MOLT_ERR_BACKUP_EXISTS' });
    await expect(service.create({ output: 'clawd/inside.tar.gz' })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[MoltbotError: the output ${join(dir, 'clawd/inside.tar.gz')} is inside the backup source "workspace" (${join(dir, 'clawd')})]`,
    );
    const inside = createBackupService({
      dir: join(dir, 'clawd/backups'), retention: { days: 30 }, limits: DEFAULT_LIMITS, version: '1.0.0',
      cwd: dir, stateDir: join(dir, 'state'), sources: () => sampleSources(dir),
    });
    await expect(inside.create()).rejects.toMatchObject({ code: 'MOLT_ERR_BACKUP_SOURCE' });
    expect(readFileSync(join(dir, 'taken.tar.gz'), 'utf8')).toBe('x');
  });

  it('leaves symlinks out and says so, instead of following them out of the source', async () => {
    const { dir, service } = setup();
    symlinkSync('/etc/passwd', join(dir, 'clawd/passwd-link'));
    const created = await service.create();
    expect(created.skipped).toEqual([{ path: 'payload/workspace/passwd-link', reason: 'symbolic link (never archived)' }]);
    await service.restore(created.path, { to: join(dir, 'out') });
    expect(existsSync(join(dir, 'out/workspace/passwd-link'))).toBe(false);
  });

  it('captures a file that is atomically replaced during the backup whole, old or new (BK-07)', async () => {
    const { dir, service } = setup();
    const file = join(dir, 'state/agents/main/sessions/sessions.json');
    const versions = new Set<string>();
    let stop = false;
    let n = 0;
    const writer = (async () => {
      while (!stop) {
        const body = JSON.stringify({ n: ++n, pad: 'x'.repeat(20_000) });
        versions.add(body);
        writeFileSync(`${file}.tmp`, body);
        renameSync(`${file}.tmp`, file);
        await new Promise((r) => setImmediate(r));
      }
    })();
    const created = await service.create().finally(async () => { stop = true; await writer; });
    await service.restore(created.path, { to: join(dir, 'out') });
    const captured = readFileSync(join(dir, 'out/sessions/main/sessions/sessions.json'), 'utf8');
    expect(captured === '{"s1":{}}\n' || versions.has(captured)).toBe(true);
  });

  it('fails with a clear error when a file never stops changing', async () => {
    const { dir, service } = setup();
    const file = join(dir, 'clawd/growing.log');
    writeFileSync(file, '');
    let stop = false;
    const writer = (async () => {
      while (!stop) {
        appendFileSync(file, 'line\n');
        await new Promise((r) => setImmediate(r));
      }
    })();
    const big = Buffer.alloc(4 * 1024 * 1024, 1);
    writeFileSync(file, big);
    const outcome = await service.create().then(() => 'created', (error: { code?: string }) => error.code)
      .finally(async () => { stop = true; await writer; });
    // Every copy spans several event-loop turns, and the appender writes on each of them.
    expect(outcome).toBe('MOLT_ERR_BACKUP_SOURCE');
    expect(readdirSync(service.dir)).toEqual([]);
  });
});

describe('backup verify (BK-04)', () => {
  it('passes a fresh archive and detects one flipped byte and a missing payload', async () => {
    const { dir, service } = setup();
    const created = await service.create();
    expect(await service.verify(created.path)).toMatchObject({ ok: true, problems: [], warnings: [], files: 7 });

    const tar = gunzipSync(readFileSync(created.path));
    const at = tar.indexOf('buy milk');
    const flipped = Buffer.from(tar);
    flipped[at] = flipped[at]! ^ 0x01;
    writeFileSync(join(dir, 'flipped.tar.gz'), gzipSync(flipped), { mode: 0o600 });
    expect((await service.verify(join(dir, 'flipped.tar.gz'))).problems).toEqual(['checksum mismatch for payload/workspace/notes/todo.md']);

    const raw = readFileSync(created.path);
    const corrupt = Buffer.from(raw);
    const middle = Math.floor(raw.length / 2);
    corrupt[middle] = corrupt[middle]! ^ 0xff;
    writeFileSync(join(dir, 'bitflip.tar.gz'), corrupt, { mode: 0o600 });
    const report = await service.verify(join(dir, 'bitflip.tar.gz'));
    expect(report.ok).toBe(false);
  });

  it('warns about an archive readable by others and literal secrets in an archived config (BK-09)', async () => {
    const { dir, service } = setup();
    const canary = 'canary-5b8e1f0c-literal-secret';
    writeFileSync(join(dir, 'clawdbot.json'), JSON.stringify({ gateway: { auth: { password: canary } } }));
    const created = await service.create();
    chmodSync(created.path, 0o644);
    const report = await service.verify(created.path);
    expect(report.ok).toBe(true);
    expect(report.warnings).toMatchInlineSnapshot(`
      [
        "archive is readable by others (mode 644); run chmod 600 on it",
        "payload/config/clawdbot.json holds literal secrets at gateway.auth.password; keep this archive private or use \${ENV} references",
      ]
    `);
    expect(JSON.stringify(report)).not.toContain(canary);
  });
});

describe('backup restore targets (BK-06)', () => {
  it('refuses a non-empty target, the live state dir, and a missing target', async () => {
    const { dir, service } = setup();
    const created = await service.create();
    writeFileSync(join(dir, 'full'), '');
    await expect(service.restore(created.path, { to: join(dir, 'clawd') })).rejects.toMatchObject({ code: 'MOLT_ERR_BACKUP_TARGET' });
    await expect(service.restore(created.path, { to: join(dir, 'state/restore-here') })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[MoltbotError: ${join(dir, 'state/restore-here')} overlaps live state (${join(dir, 'state')}); restore next to it, then move what you need]`,
    );
    await expect(service.restore(created.path, {})).rejects.toThrowErrorMatchingInlineSnapshot(`[MoltbotError: restore needs a target folder (--to <dir>) or --in-place]`);
    await expect(service.restore(created.path, { to: join(dir, 'full') })).rejects.toThrowErrorMatchingInlineSnapshot(`[MoltbotError: ${join(dir, 'full')} exists and is not a folder]`);
  });

  it('restores into an existing empty folder', async () => {
    const { dir, service } = setup();
    const created = await service.create();
    const target = join(dir, 'empty');
    await import('node:fs/promises').then((fs) => fs.mkdir(target));
    await service.restore(created.name, { to: target });
    expect(readdirSync(target).sort()).toEqual(['config', 'sessions', 'workspace']);
  });

  it('--in-place takes a safety backup, then replaces the live sources', async () => {
    const { dir, service } = setup();
    const before = digestTree(join(dir, 'clawd'));
    const created = await service.create({ output: join(dir, 'backups/first.tar.gz') });
    writeFileSync(join(dir, 'clawd/AGENTS.md'), 'changed after the backup\n');
    writeFileSync(join(dir, 'clawd/new.md'), 'new\n');
    const result = await service.restore('first.tar.gz', { inPlace: true });
    if (result.mode !== 'in-place') throw new Error('expected an in-place restore');
    expect(result.replaced).toEqual(['config', 'workspace', 'sessions']);
    expect(digestTree(join(dir, 'clawd'))).toEqual(before);
    // The safety backup holds the state from just before the restore.
    const safety = await service.restore(result.safetyBackup.path, { to: join(dir, 'safety') });
    expect(readFileSync(join(safety.mode === 'target' ? safety.target : '', 'workspace/new.md'), 'utf8')).toBe('new\n');
    expect(created.path).toBe(join(service.dir, 'first.tar.gz'));
    expect(readdirSync(dir).filter((n) => n.includes('.restoring-') || n.includes('.replaced-'))).toEqual([]);
  });
});
