/**
 * The person chatting on a channel learns why they get no answer when a hard budget is used
 * up: the budget error is marked user-facing in the error catalogue, so the channels layer
 * sends its message instead of the generic "could not answer" line (whose code alone tells a
 * user nothing).
 */
import { describe, expect, it } from 'vitest';
import { startChannels } from '../channels/harness.ts';

describe('a hard budget seen from a channel', () => {
  it('the sender gets the budget message, not a bare error code', async () => {
    const h = await startChannels({
      settings: { dmPolicy: 'open', allowFrom: ['*'] },
      extra: [['usage', { budgets: [{ name: 'daily', scope: 'global', period: 'day', tokens: 25, mode: 'hard' }] }]],
    });
    h.fake.script({ text: 'first answer' });
    await h.channel.inject({ sender: 'u', text: 'hi' });
    await h.channel.inject({ sender: 'u', text: 'and again' });
    const [first, second] = await h.channel.waitForSent(2);
    expect(first!.text).toBe('first answer');
    expect(second!.text).toMatch(/^The daily \(\d{4}-\d{2}-\d{2}, .+\) hard spend limit "daily" is used up \(\d+ of 25 tokens\): no more model calls until tomorrow\.$/);
    expect(h.fake.requests).toHaveLength(1);
  });
});
