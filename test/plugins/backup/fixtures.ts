/** Builders for backup tests: source trees, tree digests, and hand-crafted (hostile) archives. */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header, type HeaderData } from 'tar';
import type { BackupSource } from '../../../core/hook-types.ts';

export function writeTree(root: string, files: Record<string, string | Buffer>, mode?: number): void {
  for (const [relative, content] of Object.entries(files)) {
    const path = join(root, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content, mode === undefined ? undefined : { mode });
  }
}

/** Every file and folder under `root` with its mode and sha256: equal digests, equal trees. */
export function digestTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = prefix ? `${prefix}/${name}` : name;
      const stats = lstatSync(path);
      if (stats.isDirectory()) {
        out[`${rel}/`] = (stats.mode & 0o777).toString(8);
        walk(path, rel);
      } else {
        out[rel] = `${(stats.mode & 0o777).toString(8)} ${createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16)}`;
      }
    }
  };
  walk(root, '');
  return out;
}

/** A workspace, sessions and config under `base`, as the kernel's default sources name them. */
export function sampleSources(base: string): BackupSource[] {
  writeTree(join(base, 'clawd'), { 'AGENTS.md': '# agents\n', 'notes/todo.md': 'buy milk\n', 'notes/deep/x.bin': Buffer.from([0, 1, 2, 255]) });
  writeTree(join(base, 'clawd'), { 'secret.txt': 'mine' }, 0o600);
  writeTree(join(base, 'state/agents'), { 'main/sessions/sessions.json': '{"s1":{}}\n', 'main/sessions/s1.jsonl': '{"role":"user"}\n' });
  writeTree(base, { 'clawdbot.json': '{"gateway":{"auth":{"password":"${CLAWDBOT_GATEWAY_PASSWORD}"}}}\n' });
  return [
    { name: 'config', path: join(base, 'clawdbot.json'), plugin: 'backup' },
    { name: 'workspace', path: join(base, 'clawd'), plugin: 'backup' },
    { name: 'sessions', path: join(base, 'state/agents'), plugin: 'backup' },
  ];
}

export interface RawEntry extends HeaderData {
  body?: string | Buffer;
}

/** A gzip'd tar built header by header, so tests can write what `tar.create` never would. */
export function craftArchive(entries: RawEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const { body, ...data } of entries) {
    const content = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
    const header = new Header({ mode: 0o644, mtime: new Date(0), size: content.length, type: 'File', ...data });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block, content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** A manifest that matches `files` (each under payload/workspace/). */
export function manifestFor(files: Record<string, string | Buffer>, extra: Partial<Record<string, unknown>> = {}): string {
  return JSON.stringify({
    format: 'moltbot-backup', version: 1, moltbot: '1.0.0', created: new Date(0).toISOString(),
    sources: [{ name: 'workspace', plugin: 'backup', kind: 'dir', path: '/nowhere' }],
    dirs: [{ path: 'payload/workspace', mode: 0o700 }],
    files: Object.entries(files).map(([path, body]) => ({ path, size: Buffer.from(body).length, mode: 0o600, sha256: sha256(body) })),
    skipped: [],
    ...extra,
  });
}
