/** Dropped gateway connections, resume, rate limits and a revoked token, through the real channels service. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Check } from '../../../core/hook-types.ts';
import { ALICE, startDiscord, until } from './harness.ts';

const allowAlice = { dmPolicy: 'allowlist', allowFrom: [ALICE.id] };

describe('channel-discord: resilience', () => {
  it('a dropped connection is resumed on resume_gateway_url with the last seq; messages sent meanwhile are replayed once', async () => {
    // A reconnect delay the poll below cannot miss (at the harness's 20 ms a loaded machine
    // sometimes never saw the socket count at 0 before the bot was back).
    const h = await startDiscord({ settings: { ...allowAlice, reconnectBaseMs: 500, reconnectMaxMs: 1000 } });
    h.dc.message(ALICE, 'one');
    await h.dc.waitForSent(1);
    h.dc.dropConnections();
    await until(() => h.dc.sockets() === 0, 'the socket to be gone');
    // Sent while the bot is away: Discord keeps it for the session.
    h.dc.message(ALICE, 'two');
    const [resume] = await h.dc.waitForFrames(6, 1);
    expect(resume!.path).toBe('/resume');
    const identify = h.dc.frames.find((f) => f.op === 2)!.d as Record<string, unknown>;
    expect(resume!.d).toMatchObject({ token: h.dc.token, session_id: expect.stringMatching(/^session-/), seq: 2 });
    expect(h.dc.frames.filter((f) => f.op === 2)).toHaveLength(1);
    expect(identify['token']).toBe(h.dc.token);
    await h.dc.waitForSent(2);
    await until(() => h.status().state === 'connected', 'connected again');
    expect(h.dc.sent.map((m) => m.content)).toEqual(['echo: one', 'echo: two']);
    expect(h.fake.requests).toHaveLength(2);
    expect(h.status().lastError?.message).toMatch(/Discord gateway connection closed \(1006/);
  });

  it('RECONNECT (op 7) resumes; a non-resumable INVALID_SESSION (op 9) identifies afresh', async () => {
    const h = await startDiscord({ settings: allowAlice });
    h.dc.requestReconnect();
    await h.dc.waitForFrames(6, 1);
    await h.waitForState('connected');
    h.dc.invalidateSession(false);
    await h.dc.waitForFrames(2, 2);
    await h.waitForState('connected');
    h.dc.message(ALICE, 'still there?');
    const [reply] = await h.dc.waitForSent(1);
    expect(reply!.content).toBe('echo: still there?');
  });

  it('a zombie connection (heartbeats never acknowledged) is replaced', async () => {
    const h = await startDiscord({ settings: allowAlice, fake: { heartbeatIntervalMs: 100 } });
    const beats = await h.dc.waitForFrames(1, 2);
    // Heartbeats carry the last sequence number (READY was 1; the first, jittered beat may go before it, with null).
    expect(beats.at(-1)!.d).toBe(1);
    h.dc.stopAcks();
    await h.dc.waitForFrames(6, 1);
    h.dc.resumeAcks();
    await h.waitForState('connected');
    h.dc.message(ALICE, 'hi');
    expect((await h.dc.waitForSent(1))[0]!.content).toBe('echo: hi');
  });

  it('no session starts left (session_start_limit.remaining 0): waits reset_after before identifying', async () => {
    const h = await startDiscord({ settings: allowAlice });
    h.dc.limitSessionStarts(0, 400);
    h.dc.invalidateSession(false);
    await until(() => /session start limit reached \(1000 per day\): identifying again in 1 s/.test(h.status().lastError?.message ?? ''), 'the limit to be reported');
    const refusedAt = Date.now();
    expect(h.status().state).toBe('degraded');
    h.dc.limitSessionStarts(5, 86_400_000);
    const identifies = await h.dc.waitForFrames(2, 2);
    expect(identifies[1]!.at - refusedAt).toBeGreaterThanOrEqual(300);
    await h.waitForState('connected');
  });

  it('429 with retry_after: the reply is delivered once, after the wait', async () => {
    const h = await startDiscord({ settings: allowAlice });
    h.dc.failNext('POST /channels/{id}/messages', { status: 429, retryAfter: 0.4 });
    h.dc.message(ALICE, 'hello');
    const [reply] = await h.dc.waitForSent(1);
    expect(reply!.content).toBe('echo: hello');
    const attempts = h.dc.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/messages'));
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(390);
    await until(() => h.status().outbound.sent === 1, 'the service to count the send');
    expect(h.status()).toMatchObject({ outbound: { sent: 1, failed: 0, retried: 1 } });
    expect(h.dc.sent).toHaveLength(1);
  });

  it('an exhausted rate-limit bucket (X-RateLimit-Remaining 0) holds the next send until Reset-After, without a 429', async () => {
    const h = await startDiscord({ settings: allowAlice });
    h.dc.exhaustBucket(0.4);
    h.dc.message(ALICE, 'first');
    await h.dc.waitForSent(1);
    h.dc.message(ALICE, 'second');
    await h.dc.waitForSent(2);
    const posts = h.dc.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/messages'));
    expect(posts.map((c) => c.status)).toEqual([200, 200]);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(390);
  });

  it('a message Discord refuses (403 Missing Permissions) is not retried', async () => {
    const h = await startDiscord({ settings: allowAlice });
    h.dc.failNext('POST /channels/{id}/messages', { status: 403, message: 'Missing Permissions', code: 50013 });
    h.dc.message(ALICE, 'hello');
    await until(() => h.status().outbound.failed === 1, 'the send to fail');
    expect(h.dc.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/messages'))).toHaveLength(1);
    expect(h.status().lastError?.message).toBe('Discord POST /channels/{channel_id}/messages failed: 403 Missing Permissions [code 50013]');
  });

  it('a revoked token: close 4004 → the channel stops with the reason, no reconnect loop, no crash, the token in no log, status or file', async () => {
    const h = await startDiscord({ settings: allowAlice });
    h.dc.revokeToken();
    const status = await h.waitForState('stopped');
    expect(status.lastError?.message).toMatch(/4004 Authentication failed.*channels\.discord\.botToken/);
    const connects = h.dc.frames.filter((f) => f.op === 2 || f.op === 6).length;
    // The gateway still serves other things: the kernel is alive.
    expect((await (await h.client()).request('channels.status', {})).ok).toBe(true);
    expect(h.dc.frames.filter((f) => f.op === 2 || f.op === 6)).toHaveLength(connects);
    const report: Check[] = [];
    await h.kernel.hooks.diagnose.promise({ add: (check) => void report.push(check) });
    expect(report.find((c) => c.id === 'channels.discord.token')).toMatchObject({ severity: 'critical', description: expect.stringMatching(/GET \/users\/@me failed: 401: Unauthorized/) });
    expect(JSON.stringify(h.kernel.logs)).not.toContain(h.dc.token);
    expect(JSON.stringify(h.status())).not.toContain(h.dc.token);
    const files = readdirSync(h.kernel.tempDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    for (const file of files) expect(readFileSync(join(file.parentPath, file.name), 'utf8'), file.name).not.toContain(h.dc.token);
  });

  it('the Message Content intent not enabled in the portal (close 4014): stopped, saying which toggle to turn on', async () => {
    const h = await startDiscord({ settings: allowAlice, fake: { messageContentIntent: false }, waitConnected: false });
    const status = await h.waitForState('stopped');
    expect(status.lastError?.message).toMatch(/4014 Disallowed intent\(s\): enable the Message Content intent .* or set channels\.discord\.guilds to false/);
    expect(h.dc.frames.filter((f) => f.op === 2)).toHaveLength(1);
  });

  it('a token refused from the start (GET /gateway/bot 401): stopped with the reason', async () => {
    const h = await startDiscord({ settings: { ...allowAlice, botToken: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.WrOnG1.NotTheTokenTheServerKnows_abcdefghijk' }, waitConnected: false });
    const status = await h.waitForState('stopped');
    expect(status.lastError?.message).toBe('Discord GET /gateway/bot failed: 401: Unauthorized (the bot token is invalid or was reset: set channels.discord.botToken to the current token)');
    expect(JSON.stringify(h.kernel.logs)).not.toContain('NotTheTokenTheServerKnows');
  });
});
