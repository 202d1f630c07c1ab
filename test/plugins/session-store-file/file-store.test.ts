import { appendFile, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileStore } from '../../../plugins/session-store-file/file-store.ts';
import type { TranscriptEntry } from '../../../sdk/agent/types.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { sessionStoreRef } from '../../../sdk/agent/index.ts';

const KEY = 'agent:main:main';
let n = 0;
const user = (content: string): TranscriptEntry => ({ kind: 'message', id: `u${++n}`, at: Date.now(), role: 'user', content });
const assistant = (content: string, extra: object = {}): TranscriptEntry => ({ kind: 'message', id: `a${++n}`, at: Date.now(), role: 'assistant', content, usage: { input: 10, output: 5 }, ...extra });

async function store(root: string) {
  const s = createFileStore({ root, indexDelayMs: 0, maxOpenFiles: 4 });
  return s;
}

describe('session-store-file', () => {
  it('writes under <stateDir>/state/agents/<agentId>/sessions/ as the plugin', async () => {
    const kernel = await createTestKernel({ config: { plugins: ['session-store-file'] } });
    const s = kernel.use(sessionStoreRef);
    await s.append('main', KEY, [user('hello')]);
    const dir = join(kernel.tempDir, 'state', 'state', 'agents', 'main', 'sessions');
    expect(await readdir(dir)).toContain('agent%3Amain%3Amain.jsonl');
  });

  it('appends, lists, inspects and reloads', async () => {
    const root = useTempDir().dir;
    const s = await store(root);
    await s.append('main', KEY, [user('hi'), assistant('hello')]);
    const info = await s.inspect('main', KEY);
    expect(info).toMatchObject({ key: KEY, agentId: 'main', messageCount: 2, tokenCount: { input: 10, output: 5 } });
    expect(info!.size).toBeGreaterThan(0);
    await s.close();
    const again = await store(root);
    expect((await again.load('main', KEY)).entries.map((e) => (e as { content: string }).content)).toEqual(['hi', 'hello']);
    expect((await again.list('main')).map((x) => x.key)).toEqual([KEY]);
    await again.close();
  });

  it('drops a torn last line and cuts it off on disk', async () => {
    const root = useTempDir().dir;
    const s = await store(root);
    await s.append('main', KEY, [user('kept')]);
    await s.close();
    const file = join(root, 'main', 'sessions', 'agent%3Amain%3Amain.jsonl');
    await appendFile(file, '{"kind":"message","id":"x","at":1,"role":"user","cont');
    const again = await store(root);
    const loaded = await again.load('main', KEY);
    expect(loaded.entries).toHaveLength(1);
    expect(loaded.repaired).toEqual(['dropped a torn last line (53 bytes)']);
    expect((await readFile(file, 'utf8')).endsWith('}\n')).toBe(true);
    await again.close();
  });

  it('quarantines a corrupt index and rebuilds it from the transcripts', async () => {
    const root = useTempDir().dir;
    const s = await store(root);
    await s.append('main', KEY, [user('a'), assistant('b')]);
    await s.close();
    const dir = join(root, 'main', 'sessions');
    await writeFile(join(dir, 'sessions.json'), '{"version":1,"sess');
    const again = await store(root);
    expect((await again.list('main'))[0]).toMatchObject({ key: KEY, messageCount: 2 });
    expect((await readdir(dir)).some((f) => f.startsWith('sessions.json.corrupt-'))).toBe(true);
    await again.close();
    expect(JSON.parse(await readFile(join(dir, 'sessions.json'), 'utf8')).sessions[KEY].messageCount).toBe(2);
  });

  it('recounts a session whose transcript grew after the index was written (crash before index write)', async () => {
    const root = useTempDir().dir;
    const s = await store(root);
    await s.append('main', KEY, [user('a')]);
    await s.close();
    await appendFile(join(root, 'main', 'sessions', 'agent%3Amain%3Amain.jsonl'), `${JSON.stringify(assistant('late'))}\n`);
    const again = await store(root);
    expect((await again.list('main'))[0]!.messageCount).toBe(2);
    await again.close();
  });

  it('repairs an orphan tool call left by a crash, on disk', async () => {
    const root = useTempDir().dir;
    const s = await store(root);
    await s.append('main', KEY, [user('go'), assistant('', { toolCalls: [{ id: 'call_9', name: 'exec', args: {} }] })]);
    const loaded = await s.load('main', KEY);
    expect(loaded.repaired).toEqual(['closed 1 interrupted tool call(s)']);
    expect(loaded.entries.at(-1)).toMatchObject({ role: 'tool', toolCallId: 'call_9', isError: true });
    await s.close();
    const again = await store(root);
    const reloaded = await again.load('main', KEY);
    expect(reloaded.repaired).toEqual([]);
    expect(reloaded.entries).toHaveLength(3);
    await again.close();
  });

  it('shares fsyncs between concurrent appends and keeps every one (more sessions than open handles)', async () => {
    const root = useTempDir().dir;
    const s = await store(root);
    const keys = Array.from({ length: 10 }, (_, i) => `agent:main:web:dm:u${i}`);
    await Promise.all(keys.flatMap((key) => Array.from({ length: 20 }, (_, i) => s.append('main', key, [user(`m${i}`)]))));
    await s.close();
    const again = await store(root);
    for (const key of keys) expect((await again.load('main', key)).entries).toHaveLength(20);
    await again.close();
  });
});
