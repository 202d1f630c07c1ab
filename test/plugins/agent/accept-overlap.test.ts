/**
 * The first model call overlaps the durable write of the user message, but nothing of the run
 * shows before the message is durable: a session store whose user-message append is held
 * (released or failed by the test) stands between the agent and the real file store.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { storageError } from '../../../core/storage-error.ts';
import { definePlugin } from '../../../sdk/core/index.ts';
import { sessionStoreRef, type TranscriptEntry } from '../../../sdk/agent/index.ts';
import { createFileStore } from '../../../plugins/session-store-file/index.ts';
import { startAgent, waitFor } from './harness.ts';

interface Held { release(): void; fail(error: unknown): void }

function heldStore() {
  const held: Held[] = [];
  const plugin = definePlugin({
    name: 'held-session-store',
    version: '1.0.0',
    replaces: ['session-store-file'],
    provides: [sessionStoreRef],
    setup(ctx) {
      const store = createFileStore({ root: join(ctx.paths.stateDir, 'state', 'agents'), indexDelayMs: 1000, maxOpenFiles: 16 });
      ctx.provide(sessionStoreRef, {
        ...store,
        append(agentId: string, key: string, entries: TranscriptEntry[]) {
          const first = entries[0];
          if (first?.kind !== 'message' || first.role !== 'user') return store.append(agentId, key, entries);
          return new Promise<void>((resolve, reject) => {
            held.push({ release: () => void store.append(agentId, key, entries).then(resolve, reject), fail: reject });
          });
        },
      });
      ctx.onClose(() => store.close());
    },
  });
  const next = async (): Promise<Held> => {
    for (let i = 0; i < 500 && held.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    const found = held.shift();
    if (found === undefined) throw new Error('no user message append was made');
    return found;
  };
  return { plugin, next };
}

describe('the model call overlaps the user message write', () => {
  it('calls the model while the write is in flight, and shows the acknowledgement, then the deltas, then the final only once it is durable', async () => {
    const store = heldStore();
    const h = await startAgent({ store: store.plugin });
    h.fake.script({ text: 'overlapped reply', chunks: 2 });
    const client = await h.client();
    const start = client.frames.length;
    const sent = client.request('chat.send', { message: 'hello' });
    const write = await store.next();
    for (let i = 0; i < 400 && h.fake.requests.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(h.fake.requests).toHaveLength(1);
    expect(h.fake.requests[0]!.body.messages.at(-1)).toMatchObject({ role: 'user', content: 'hello' });
    // The model has answered meanwhile; the client has seen nothing of the run.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = client.frames.length;
    expect(client.frames.slice(start).filter((f) => f.type === 'res' || f.event?.startsWith('chat.'))).toEqual([]);

    write.release();
    const response = await sent;
    expect(response.ok).toBe(true);
    const runId = response.payload.runId as string;
    const final = await waitFor(client, (f) => f.event === 'chat.final' && f.payload.runId === runId);
    expect(final.payload).toMatchObject({ status: 'ok', text: 'overlapped reply' });
    const after = client.frames.slice(before);
    const order = after.filter((f) => f.type === 'res' || f.event === 'chat.delta' || f.event === 'chat.final').map((f) => f.type === 'res' ? 'res' : f.event);
    expect(order).toEqual(['res', 'chat.delta', 'chat.delta', 'chat.final']);

    const history = await client.request('chat.history', {});
    expect((history.payload.messages as { role: string; content: string }[]).map((m) => `${m.role}:${m.content}`)).toEqual(['user:hello', 'assistant:overlapped reply']);
  });

  it('a message that cannot be stored ends the call and the run with the store error: no acknowledgement, no delta', async () => {
    const store = heldStore();
    const h = await startAgent({ store: store.plugin });
    h.fake.script({ text: 'never shown', chunks: 3, chunkDelayMs: 200 });
    const client = await h.client();
    const sent = client.request('chat.send', { message: 'lost' });
    const write = await store.next();
    for (let i = 0; i < 400 && h.fake.requests.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(h.fake.requests).toHaveLength(1);
    write.fail(storageError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), '/state/agents/main/sessions/x.jsonl'));
    const response = await sent;
    expect(response.ok).toBe(false);
    expect(response.error).toMatchObject({ code: 'PLUGIN_ERROR', details: { code: 'MOLT_ERR_STORE_NO_SPACE' } });
    // The paced stream is cut: the fake sees the client close it before its last piece.
    for (let i = 0; i < 400 && h.fake.requests[0]!.closedEarly !== true; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(h.fake.requests[0]!.closedEarly).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.frames.filter((f) => f.event === 'chat.delta')).toEqual([]);
    const finals = client.frames.filter((f) => f.event === 'chat.final');
    expect(finals).toHaveLength(1);
    expect(finals[0]!.payload).toMatchObject({ status: 'error', error: { code: 'MOLT_ERR_STORE_NO_SPACE' } });

    h.fake.script({ text: 'stored this time' });
    const again = client.request('chat.send', { message: 'again' });
    (await store.next()).release();
    expect((await again).ok).toBe(true);
  });
});
