import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Check } from '../../../core/hook-types.ts';
import { createFileStore } from '../../../plugins/session-store-file/file-store.ts';
import { checkSessionStore } from '../../../plugins/session-store-file/integrity-check.ts';
import type { TranscriptEntry } from '../../../sdk/agent/types.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const message = (id: string, content: string): TranscriptEntry => ({ kind: 'message', id, at: Date.now(), role: 'user', content });

async function run(root: string): Promise<Check[]> {
  const store = createFileStore({ root, indexDelayMs: 0, maxOpenFiles: 4 });
  const checks: Check[] = [];
  try {
    await checkSessionStore(root, store, { add: (check) => checks.push(check) });
  } finally {
    await store.close();
  }
  return checks;
}

describe('doctor: session store integrity', () => {
  it('ok when every session loads; a warning naming what a crash left (nothing written); --fix repairs it', async () => {
    const root = useTempDir().dir;
    const writer = createFileStore({ root, indexDelayMs: 0, maxOpenFiles: 4 });
    await writer.append('main', 'agent:main:main', [message('a', 'kept')]);
    await writer.append('main', 'agent:main:webchat:dm:ada', [message('b', 'hello')]);
    await writer.close();
    expect((await run(root)).map((c) => `${c.id}:${c.severity}:${c.description}`)).toEqual([
      'sessions.integrity:ok:2 session(s) in 1 agent(s) load cleanly.',
    ]);

    await appendFile(join(root, 'main', 'sessions', 'agent%3Amain%3Amain.jsonl'), '{"kind":"message","id":"x","at":1,"role":"user","cont');
    const [torn] = await run(root);
    expect(torn).toMatchObject({ severity: 'warning' });
    expect(torn!.description).toBe('2 session(s) read; a crash left agent:main:main: a torn last line (53 bytes). Each session\'s next run repairs it.');
    // The check only read: the same finding again, until the fix repairs it on disk.
    const [again] = await run(root);
    expect(again!.description).toBe(torn!.description);
    const store = createFileStore({ root, indexDelayMs: 0, maxOpenFiles: 4 });
    const checks: Check[] = [];
    await checkSessionStore(root, store, { add: (check) => checks.push(check) });
    await checks[0]!.fix!();
    await store.close();
    expect((await run(root))[0]).toMatchObject({ severity: 'ok' });

    await writeFile(join(root, 'main', 'sessions', 'agent%3Amain%3Awebchat%3Adm%3Aada.jsonl'), 'not json at all\n{"also": "broken"\n');
    const [broken] = await run(root);
    // Garbage in the middle and a torn tail are reported; the session still loads.
    expect(broken).toMatchObject({ severity: 'warning' });
    expect(broken!.description).toBe('2 session(s) read; a crash left agent:main:webchat:dm:ada: a torn last line (18 bytes); agent:main:webchat:dm:ada: 1 unreadable line(s). Each session\'s next run repairs it.');
  });
});
