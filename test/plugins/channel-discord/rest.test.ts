/** The REST client against the fake Discord API: 429 shapes, a global limit, token-free errors. */
import { describe, expect, it, onTestFinished } from 'vitest';
import { DiscordApiError } from '../../../plugins/channel-discord/errors.ts';
import { DiscordRest } from '../../../plugins/channel-discord/rest.ts';
import { startFakeDiscord } from '../../helpers/fake-discord.ts';

const signal = new AbortController().signal;
const post = (channel: string) => ({ method: 'POST' as const, path: `/channels/${channel}/messages`, route: '/channels/{channel_id}/messages', major: channel, body: { content: 'hi' }, signal });

describe('channel-discord: rest', () => {
  it('a 429 carries retry_after (fractional seconds) as a retryable error; a global one holds every route until it passes', async () => {
    const dc = await startFakeDiscord();
    onTestFinished(() => dc.close());
    const rest = new DiscordRest(dc.apiBaseUrl, dc.token, 3000);
    dc.failNext('POST /channels/{id}/messages', { status: 429, retryAfter: 0.25 });
    const error = (await rest.request(post('500000000000000001')).catch((e: unknown) => e)) as DiscordApiError;
    expect(error).toBeInstanceOf(DiscordApiError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 250, retryable: true, message: 'Discord POST /channels/{channel_id}/messages failed: 429 You are being rate limited. (retry after 0.25 s)' });

    dc.failNext('POST /channels/{id}/messages', { status: 429, retryAfter: 0.3, global: true });
    const global = (await rest.request(post('500000000000000001')).catch((e: unknown) => e)) as DiscordApiError;
    expect(global.message).toMatch(/retry after 0\.3 s, global\)$/);
    const limitedAt = dc.calls.at(-1)!.at;
    // Another route, another channel: still held by the global limit.
    await rest.request({ method: 'GET', path: '/users/@me', route: '/users/@me', signal });
    expect(dc.calls.at(-1)!.path).toBe('/api/v10/users/@me');
    expect(dc.calls.at(-1)!.at - limitedAt).toBeGreaterThanOrEqual(290);
  });

  it('a busy channel does not hold another: buckets are per channel', async () => {
    const dc = await startFakeDiscord();
    onTestFinished(() => dc.close());
    const rest = new DiscordRest(dc.apiBaseUrl, dc.token, 3000);
    dc.exhaustBucket(30);
    await rest.request(post('500000000000000001'));
    // Same bucket, other channel: goes at once (the exhausted bucket would wait 30 s, beyond the inline limit).
    await rest.request(post('500000000000000002'));
    expect(dc.sent.map((m) => m.channelId)).toEqual(['500000000000000001', '500000000000000002']);
    // The exhausted one is refused as retryable with the wait, not held for 30 s.
    const error = (await rest.request(post('500000000000000001')).catch((e: unknown) => e)) as DiscordApiError;
    expect(error).toMatchObject({ retryable: true, status: 429 });
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    expect(dc.sent).toHaveLength(2);
  });

  it('network failures are retryable and name the route, never the token', async () => {
    const dc = await startFakeDiscord();
    const base = dc.apiBaseUrl;
    await dc.close();
    const rest = new DiscordRest(base, dc.token, 3000);
    const error = (await rest.request(post('500000000000000001')).catch((e: unknown) => e)) as DiscordApiError;
    expect(error).toMatchObject({ retryable: true, status: undefined });
    expect(error.message).toMatch(/^Discord POST \/channels\/\{channel_id\}\/messages failed: fetch failed/);
    expect(error.message).not.toContain(dc.token);
  });
});
