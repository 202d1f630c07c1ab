/**
 * The file session store on a failing disk (injected short write / ENOSPC through the store's
 * own code): a transcript append that does not fully land is refused with
 * MOLT_ERR_STORE_NO_SPACE and cut back, the index write fails the same way and leaves the old
 * index whole; the reader never lets a bad line swallow the record after it.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TranscriptEntry } from '../../../sdk/agent/types.ts';
import { createFileStore } from '../../../plugins/session-store-file/file-store.ts';
import { transcriptName } from '../../../plugins/session-store-file/file-names.ts';
import { parseTranscript } from '../../../plugins/session-store-file/transcript-file.ts';
import { faults } from '../../helpers/faulty-file.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

vi.mock('node:fs/promises', async (real) => (await import('../../helpers/faulty-fs-mock.ts')).mockFsPromises(await real()));

afterEach(() => faults.clear());

const KEY = 'agent:main:main';
const user = (id: string, content = id): TranscriptEntry => ({ kind: 'message', id, at: 1, role: 'user', content });

describe('file session store on a failing disk', () => {
  it('a transcript append that does not fully land is refused, cut back, and the next one survives a reopen', async () => {
    const root = useTempDir().dir;
    const store = createFileStore({ root, indexDelayMs: 10_000, maxOpenFiles: 1 });
    await store.append('main', KEY, [user('m1')]);
    const file = join(root, 'main', 'sessions', transcriptName(KEY));
    const good = readFileSync(file, 'utf8');
    // maxOpenFiles 1: opening another session evicts this handle, so the next append reopens (armed).
    await store.append('main', 'agent:main:other', [user('o1')]);
    faults.arm(file, 'short');
    await expect(store.append('main', KEY, [user('m2', 'x'.repeat(20_000))])).rejects.toMatchObject({ code: 'MOLT_ERR_STORE_NO_SPACE' });
    expect(faults.hits()).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe(good);
    expect((await store.list('main')).find((s) => s.key === KEY)).toMatchObject({ messageCount: 1, size: good.length });
    faults.clear();
    await store.append('main', KEY, [user('m3')]);
    await store.close();
    const reopened = createFileStore({ root, indexDelayMs: 10_000, maxOpenFiles: 1 });
    expect((await reopened.load('main', KEY)).entries.map((e) => e.id)).toEqual(['m1', 'm3']);
    await reopened.close();
  });

  it('an index write that fails keeps the old index whole, leaves no temp file, and names the cause', async () => {
    const root = useTempDir().dir;
    const store = createFileStore({ root, indexDelayMs: 10_000, maxOpenFiles: 4 });
    await store.append('main', KEY, [user('m1')]);
    await store.flushIndex();
    const dir = join(root, 'main', 'sessions');
    const index = readFileSync(join(dir, 'sessions.json'), 'utf8');
    await store.append('main', KEY, [user('m2')]);
    faults.arm(/sessions\.json\..*\.tmp$/, 'enospc');
    await expect(store.flushIndex()).rejects.toMatchObject({ code: 'MOLT_ERR_STORE_NO_SPACE', message: expect.stringContaining('sessions.json') });
    expect(readFileSync(join(dir, 'sessions.json'), 'utf8')).toBe(index);
    expect(readdirSync(dir).sort()).toEqual(['sessions.json', transcriptName(KEY)].sort());
    faults.clear();
    await store.close();
    // The stale index is recounted from the transcript on the next open.
    const reopened = createFileStore({ root, indexDelayMs: 10_000, maxOpenFiles: 4 });
    expect((await reopened.list('main'))[0]).toMatchObject({ messageCount: 2 });
    await reopened.close();
  });
});

describe('transcript reader', () => {
  const line = (entry: TranscriptEntry) => `${JSON.stringify(entry)}\n`;

  it('a record glued onto a torn line (older writers did that) is read back, not swallowed', () => {
    const torn = JSON.stringify(user('lost', 'x'.repeat(100))).slice(0, 60);
    const text = line(user('a')) + torn + line(user('glued')) + line(user('b'));
    const parsed = parseTranscript(Buffer.from(text));
    expect(parsed.entries.map((e) => e.id)).toEqual(['a', 'glued', 'b']);
    expect(parsed.tornTail).toBe(false);
  });

  it('a glued record as the last line is kept too; a nested {"kind": inside a record is not mistaken for one', () => {
    const nested: TranscriptEntry = { kind: 'message', id: 'n', at: 1, role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 't', args: { kind: 'x' } }] };
    const torn = '{"kind":"message","id":"half","at":1,"role":"user","content":"abc';
    const parsed = parseTranscript(Buffer.from(line(nested) + torn + line(user('last'))));
    expect(parsed.entries.map((e) => e.id)).toEqual(['n', 'last']);
    expect(parseTranscript(Buffer.from(`garbage ${JSON.stringify(nested).slice(40)}\n${line(user('z'))}`)).entries.map((e) => e.id)).toEqual(['z']);
  });

  it('an unreadable middle line is skipped alone, the next record stays', () => {
    const dir = useTempDir().dir;
    writeFileSync(join(dir, 'x.jsonl'), `${line(user('a'))}not json\n${line(user('b'))}`);
    const parsed = parseTranscript(readFileSync(join(dir, 'x.jsonl')));
    expect(parsed.entries.map((e) => e.id)).toEqual(['a', 'b']);
    expect(parsed.skippedLines).toBe(1);
  });
});
