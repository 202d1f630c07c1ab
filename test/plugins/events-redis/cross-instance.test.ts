/** Two gateways sharing Redis (sessions + events): a run through A streams to a watcher on B. */
import { describe, expect, it } from 'vitest';
import { redisPrefix } from '../../helpers/redis.ts';
import { startAgent, chat, waitFor } from '../agent/harness.ts';
import type { Frame } from '../gateway/helpers.ts';


async function pair() {
  const keyPrefix = redisPrefix();
  const start = () => startAgent({ store: 'session-store-redis', extra: ['events-redis'], config: { redis: { keyPrefix } } });
  return Promise.all([start(), start()]);
}

const runEvents = (frames: Frame[], runId: string) => frames.filter((f) => f.type === 'event' && f.payload?.runId === runId).map((f) => [f.event, f.payload.text]);

describe('events-redis', () => {
  it('a run through A streams, in order, to a client watching the session on B; the requester gets each event once', async () => {
    const [a, b] = await pair();
    const watcher = await b.client();
    expect((await watcher.request('sessions.subscribe', { sessionKey: 'agent:main:main' })).ok).toBe(true);
    const sender = await a.client();
    // Watching the session it writes to must not double its own events.
    await sender.request('sessions.subscribe', { sessionKey: 'agent:main:main' });
    a.fake.script({ text: 'one two three', chunks: 3 });
    const { response, final } = await chat(sender, 'hello from A');
    const runId = response.payload.runId as string;
    expect(final.payload.status).toBe('ok');
    await waitFor(watcher, (f) => f.event === 'chat.final' && f.payload.runId === runId);
    expect(runEvents(watcher.frames, runId)).toEqual(runEvents(sender.frames, runId));
    expect(runEvents(sender.frames, runId).map(([event]) => event)).toEqual(['chat.delta', 'chat.delta', 'chat.delta', 'chat.final']);
    // And the conversation is in B's history (shared session store).
    const history = await watcher.request('chat.history', { sessionKey: 'agent:main:main' });
    expect(history.payload.messages.map((m: { content: string }) => m.content)).toEqual(['hello from A', 'one two three']);
  });

  it('unsubscribe stops the events; other sessions never leak to a watcher', async () => {
    const [a, b] = await pair();
    const watcher = await b.client();
    await watcher.request('sessions.subscribe', { sessionKey: 'agent:main:telegram:dm:7' });
    const sender = await a.client();
    a.fake.script({ text: 'main only' });
    const main = await chat(sender, 'to main');
    a.fake.script({ text: 'dm reply' });
    const dm = await chat(sender, 'to dm', 'agent:main:telegram:dm:7');
    await waitFor(watcher, (f) => f.event === 'chat.final' && f.payload.runId === dm.response.payload.runId);
    expect(runEvents(watcher.frames, main.response.payload.runId)).toEqual([]);
    await watcher.request('sessions.unsubscribe', {});
    a.fake.script({ text: 'after' });
    const after = await chat(sender, 'again', 'agent:main:telegram:dm:7');
    expect(after.final.payload.status).toBe('ok');
    // A later run in a session the watcher does watch: A publishes in order, so once its final
    // reached B, anything of the earlier run would have too.
    await watcher.request('sessions.subscribe', { sessionKey: 'agent:main:main' });
    a.fake.script({ text: 'marker' });
    const marker = await chat(sender, 'marker');
    await waitFor(watcher, (f) => f.event === 'chat.final' && f.payload.runId === marker.response.payload.runId);
    expect(runEvents(watcher.frames, after.response.payload.runId)).toEqual([]);
  });
});
