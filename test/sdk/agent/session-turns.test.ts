/** createSessionTurns: per session, each message waits for the hand-over of the one before it; sessions do not wait for each other. */
import { describe, expect, it } from 'vitest';
import { createSessionTurns } from '../../../sdk/agent/index.ts';

describe('createSessionTurns', () => {
  it('orders hand-overs per session and forgets a session once its turns are done', async () => {
    const turns = createSessionTurns();
    const handed: string[] = [];
    const first = turns.take('a');
    expect(first.previous).toBeUndefined();
    const second = turns.take('a');
    const other = turns.take('b');
    expect(other.previous).toBeUndefined();
    const waiting = second.previous!.then(() => handed.push('a2'));
    handed.push('b1');
    other.done();
    await Promise.resolve();
    expect(handed).toEqual(['b1']);
    handed.push('a1');
    first.done();
    await waiting;
    second.done();
    expect(handed).toEqual(['b1', 'a1', 'a2']);
    // Every turn done: the next message goes at once.
    await new Promise((resolve) => setImmediate(resolve));
    expect(turns.take('a').previous).toBeUndefined();
  });
});
