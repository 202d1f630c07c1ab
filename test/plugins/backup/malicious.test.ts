import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../plugins/backup/read-archive.ts';
import { createBackupService } from '../../../plugins/backup/service.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { craftArchive, digestTree, manifestFor, sampleSources, type RawEntry } from './fixtures.ts';

const GOOD = { 'payload/workspace/a.md': 'hello\n' };
const manifestEntry = (extra?: Parameters<typeof manifestFor>[1]): RawEntry => ({ path: 'manifest.json', body: manifestFor(GOOD, extra) });
const payloadDir: RawEntry = { path: 'payload/workspace/', type: 'Directory', mode: 0o700 };
const good: RawEntry = { path: 'payload/workspace/a.md', body: 'hello\n' };
const small = { ...DEFAULT_LIMITS, maxBytes: 4 * 1024 * 1024, ratioFloorBytes: 256 * 1024, maxRatio: 50 };

/** name → archive bytes and the error the restore must end with. */
const CASES: [string, () => Buffer, RegExp][] = [
  ['truncated gzip', () => craftArchive([manifestEntry(), payloadDir, good]).subarray(0, 60), /archive is damaged/],
  ['not gzip at all', () => Buffer.from('PK\u0003\u0004 definitely a zip'), /archive is damaged/],
  ['bad manifest JSON', () => craftArchive([{ path: 'manifest.json', body: '{"format":' }, payloadDir, good]), /manifest.json is not valid JSON/],
  ['no manifest', () => craftArchive([payloadDir, good]), /archive has no manifest.json/],
  ['entry ../x', () => craftArchive([manifestEntry(), { path: '../x', body: 'evil' }]), /climbs out with "\.\."/],
  ['entry payload/../../x', () => craftArchive([manifestEntry(), { path: 'payload/../../x', body: 'evil' }]), /climbs out/],
  ['absolute path', () => craftArchive([manifestEntry(), { path: '/tmp/evil', body: 'evil' }]), /absolute path/],
  ['symlink entry', () => craftArchive([manifestEntry(), payloadDir, { path: 'payload/workspace/l', type: 'SymbolicLink', linkpath: '/etc/passwd' }]), /is a SymbolicLink, not a plain file/],
  ['hardlink entry', () => craftArchive([manifestEntry(), payloadDir, { path: 'payload/workspace/h', type: 'Link', linkpath: '/etc/passwd' }]), /is a Link, not a plain file/],
  ['device file', () => craftArchive([manifestEntry(), payloadDir, { path: 'payload/workspace/d', type: 'CharacterDevice', devmaj: 1, devmin: 3 }]), /is a CharacterDevice/],
  ['fifo', () => craftArchive([manifestEntry(), payloadDir, { path: 'payload/workspace/f', type: 'FIFO' }]), /is a FIFO/],
  ['duplicate entry', () => craftArchive([manifestEntry(), payloadDir, good, { ...good, body: 'other\n' }]), /duplicate entry "payload\/workspace\/a.md"/],
  ['duplicate manifest', () => craftArchive([manifestEntry(), payloadDir, good, manifestEntry()]), /duplicate entry "manifest.json"/],
  ['entry outside payload/', () => craftArchive([manifestEntry(), { path: 'etc/cron.d/x', body: '* * * * * evil' }]), /outside payload/],
  ['checksum mismatch', () => craftArchive([manifestEntry(), payloadDir, { ...good, body: 'HELLO\n' }]), /checksum mismatch for payload\/workspace\/a.md/],
  ['file missing from payload', () => craftArchive([manifestEntry(), payloadDir]), /missing file payload\/workspace\/a.md/],
  ['file not in manifest', () => craftArchive([manifestEntry(), payloadDir, good, { path: 'payload/workspace/extra', body: 'x' }]), /file not in the manifest/],
  ['decompression bomb (ratio)', () => craftArchive([manifestEntry(), payloadDir, good, { path: 'payload/workspace/zeros', body: Buffer.alloc(3 * 1024 * 1024) }]), /expands more than 50×/],
  ['decompression bomb (size)', () => gzipSync(Buffer.alloc(5 * 1024 * 1024)), /expands beyond 4194304 bytes/],
];

describe('restore refuses malicious and damaged archives (BK-05)', () => {
  it.each(CASES)('%s → refused, target absent, live state untouched', async (_name, build, message) => {
    const { dir } = useTempDir('moltbot-evil-');
    const sources = sampleSources(dir);
    const service = createBackupService({
      dir: join(dir, 'backups'), retention: { days: 30 }, limits: small, version: '1.0.0',
      cwd: dir, stateDir: join(dir, 'state'), sources: () => sources,
    });
    const before = digestTree(dir);
    const archive = join(dir, 'evil.tar.gz');
    writeFileSync(archive, build(), { mode: 0o600 });
    const beforeWithArchive = digestTree(dir);
    mkdirSync(join(dir, 'restores'));
    await expect(service.restore(archive, { to: join(dir, 'restores/target') })).rejects.toMatchObject({ code: 'MOLT_ERR_BACKUP_INVALID', message });
    expect(readdirSync(join(dir, 'restores'))).toEqual([]);
    const after = digestTree(dir);
    delete after['restores/'];
    expect(after).toEqual(beforeWithArchive);
    expect(Object.keys(before).length + 1).toBe(Object.keys(after).length);
    expect((await service.verify(archive)).ok).toBe(false);
    // --in-place proves the archive before the safety backup: nothing at all is written.
    await expect(service.restore(archive, { inPlace: true })).rejects.toMatchObject({ code: 'MOLT_ERR_BACKUP_INVALID' });
    expect(existsSync(service.dir)).toBe(false);
  });

  it('accepts the well-formed archive the table is built from', async () => {
    const { dir } = useTempDir('moltbot-evil-');
    const archive = join(dir, 'ok.tar.gz');
    writeFileSync(archive, craftArchive([manifestEntry(), payloadDir, good]));
    const service = createBackupService({
      dir: join(dir, 'backups'), retention: { days: 30 }, limits: small, version: '1.0.0', cwd: dir, stateDir: join(dir, 'state'), sources: () => [],
    });
    const result = await service.restore(archive, { to: join(dir, 'out') });
    expect(result.mode === 'target' && result.files).toBe(1);
    expect(digestTree(join(dir, 'out'))).toEqual({ 'workspace/': '700', 'workspace/a.md': expect.stringMatching(/^600 /) });
  });
});
