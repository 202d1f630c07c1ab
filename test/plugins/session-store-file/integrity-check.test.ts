import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Check } from '../../../core/hook-types.ts';
import { createFileStore } from '../../../plugins/session-store-file/file-store.ts';
import { checkSessionStore } from '../../../plugins/session-store-file/integrity-check.ts';
import type { TranscriptEntry } from '../../../plugins/agent/types.ts';
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
  it('ok when every session loads; a warning naming each repair after a torn write or garbage lines', async () => {
    const root = useTempDir().dir;
    const writer = createFileStore({ root, indexDelayMs: 0, maxOpenFiles: 4 });
    await writer.append('main', 'agent:main:main', [message('a', 'kept')]);
    await writer.append('main', 'agent:main:webchat:dm:ada', [message('b', 'hello')]);
    await writer.close();
    expect((await run(root)).map((c) => `${c.id}:${c.severity}:${c.description}`)).toEqual([
      'sessions.integrity:ok:2 session(s) in 1 agent(s) load cleanly.',
    ]);

    await appendFile(join(root, 'main', 'sessions', 'agent%3Amain%3Amain.jsonl'), '{"kind":"message","id":"x","at":1,"role":"user","cont');
    const [repaired] = await run(root);
    expect(repaired).toMatchObject({ severity: 'warning' });
    expect(repaired!.description).toBe('2 session(s) loaded; repaired on disk: agent:main:main: dropped a torn last line (53 bytes).');
    // The repair is on disk: the next check is clean again.
    expect((await run(root))[0]).toMatchObject({ severity: 'ok' });

    await writeFile(join(root, 'main', 'sessions', 'agent%3Amain%3Awebchat%3Adm%3Aada.jsonl'), 'not json at all\n{"also": "broken"\n');
    const [broken] = await run(root);
    // Garbage in the middle is skipped (and reported), a torn tail is cut: the session still loads.
    expect(broken).toMatchObject({ severity: 'warning' });
    expect(broken!.description).toBe('2 session(s) loaded; repaired on disk: agent:main:webchat:dm:ada: dropped a torn last line (18 bytes); agent:main:webchat:dm:ada: skipped 1 unreadable line(s).');
  });
});
