/**
 * The transcript handle cache closes the least recently used appender when it is full. An
 * append to that session right after must not open a second appender while the evicted one
 * still writes: the newcomer would see the half-written tail as torn and cut it, losing a
 * record the old appender then acknowledges. Real files; a cache of one handle and large
 * records so the old write is still landing when the newcomer opens.
 */
import { describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '../../../sdk/agent/types.ts';
import { createFileStore } from '../../../plugins/session-store-file/file-store.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const message = (id: string, content: string): TranscriptEntry => ({ kind: 'message', id, at: Date.now(), role: 'user', content });

describe('session-store-file: handle cache eviction', () => {
  it('concurrent appends to more sessions than the cache holds: every acknowledged record is on disk', async () => {
    const root = useTempDir('moltbot-evict-').dir;
    const store = createFileStore({ root, indexDelayMs: 0, maxOpenFiles: 1 });
    const big = 'x'.repeat(4 * 1024 * 1024);
    const acknowledged = new Map<string, string[]>();
    const append = async (key: string, id: string, content: string) => {
      await store.append('main', key, [message(id, content)]);
      acknowledged.set(key, [...(acknowledged.get(key) ?? []), id]);
    };
    for (let round = 0; round < 8; round++) {
      // A's appender is open; a big write to A starts, B evicts A's appender mid-write, then A
      // again gets a new appender whose open reads the file while the old write is landing.
      await append('agent:main:a', `a-open-${round}`, 'small');
      await Promise.all([
        append('agent:main:a', `a-big-${round}`, big),
        append('agent:main:b', `b-${round}`, 'small'),
        append('agent:main:a', `a-${round}`, 'small'),
      ]);
    }
    await store.close();
    const reader = createFileStore({ root, indexDelayMs: 0, maxOpenFiles: 1 });
    try {
      for (const [key, ids] of acknowledged) {
        const loaded = await reader.load('main', key, { repair: false });
        expect(loaded.needsRepair, key).toBeUndefined();
        expect(loaded.entries.map((entry) => (entry as { id: string }).id).sort(), key).toEqual([...ids].sort());
      }
    } finally {
      await reader.close();
    }
  });
});
