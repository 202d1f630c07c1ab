/**
 * Crash safety: a child appending to sessions is SIGKILLed mid-write 100 times (same state
 * dir throughout); after each kill every session loads, and every acknowledged entry is there.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFileStore } from '../../../plugins/session-store-file/file-store.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const KEYS = ['agent:main:main', 'agent:main:web:dm:a', 'agent:main:web:group:b'];

function runAndKill(root: string, killAfterAcks: number): Promise<Set<string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, root], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked = new Set<string>();
    let buffer = '';
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        // Only complete lines count: a half-written ack line was not an acknowledgement.
        if (line.startsWith('ack ')) acked.add(line.slice(4));
      }
      if (!killed && acked.size >= killAfterAcks) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => (signal === 'SIGKILL' ? resolve(acked) : reject(new Error(`child exited without SIGKILL: ${stderr}`))));
  });
}

describe('crash safety', () => {
  it('100 SIGKILLs mid-write leave every session loadable and every acknowledged entry on disk', { timeout: 120_000 }, async () => {
    // 100 child processes (≈ 30 s of wall clock on 2 busy cores): the timeout bounds a hang, not speed.
    // Four lanes, each its own state dir (one writer per dir, as the gateway's state lock ensures): 4 × 25 kills.
    const lanes = await Promise.all([0, 3, 5, 11].map((offset) => lane(useTempDir().dir, offset)));
    expect(lanes.reduce((sum, l) => sum + l.kills, 0)).toBe(100);
    expect(lanes.reduce((sum, l) => sum + l.acknowledged, 0)).toBeGreaterThan(100);
    // The kills did land mid-write: some loads had something to repair.
    expect(lanes.reduce((sum, l) => sum + l.repairs, 0)).toBeGreaterThan(0);
  });
});

async function lane(root: string, offset: number): Promise<{ kills: number; acknowledged: number; repairs: number }> {
  const acknowledged = new Set<string>();
  let repairs = 0;
  let kills = 0;
  for (let i = 0; i < 25; i++) {
    // Kill anywhere from the first ack to a few dozen in: during appends, fsyncs, index writes.
    for (const ack of await runAndKill(root, 1 + (((i + offset) * 7) % 16))) acknowledged.add(ack);
    kills++;
    const store = createFileStore({ root, indexDelayMs: 1000, maxOpenFiles: 8 });
    const present = new Set<string>();
    for (const key of KEYS) {
      const loaded = await store.load('main', key);
      repairs += loaded.repaired.length;
      for (const entry of loaded.entries) present.add(`${key} ${entry.id}`);
      // No orphan tool call survives a load.
      const answered = new Set(loaded.entries.flatMap((e) => (e.kind === 'message' && e.role === 'tool' ? [e.toolCallId] : [])));
      for (const e of loaded.entries) if (e.kind === 'message' && e.role === 'assistant') for (const c of e.toolCalls ?? []) expect(answered.has(c.id)).toBe(true);
    }
    for (const ack of acknowledged) expect(present.has(ack), `acknowledged entry lost: ${ack}`).toBe(true);
    expect((await store.list('main')).map((s) => s.key).sort()).toEqual([...KEYS].sort());
    await store.close();
  }
  return { kills, acknowledged: acknowledged.size, repairs };
}
