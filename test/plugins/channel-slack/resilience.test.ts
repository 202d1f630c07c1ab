/** Bad and revoked tokens, Slack errors, and what must never leak. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALICE, startSlack, until } from './harness.ts';

describe('channel-slack: resilience', () => {
  it('a wrong bot token: degraded with the error in the status, no crash, and the token in no log or file', async () => {
    const h = await startSlack({ botToken: 'xoxb-0000-1111-ThisTokenIsWrongAndSecret' }, { waitConnected: false });
    await h.waitForState('degraded');
    await until(() => h.slack.calls.filter((c) => c.method === 'auth.test').length >= 2, 'auth.test to be retried with backoff');
    expect(h.status().lastError?.message).toBe('Slack auth.test failed: invalid_auth (the token is wrong or was revoked)');
    const logs = JSON.stringify(h.kernel.logs);
    expect(logs).toContain('slack connection failed; retrying');
    expect(logs).not.toContain('ThisTokenIsWrongAndSecret');
    expect(JSON.stringify(h.status())).not.toContain('ThisTokenIsWrongAndSecret');
    // The doctor check says the same, as critical.
    const checks: { id: string }[] = [];
    await h.kernel.hooks.diagnose.promise({ add: (check) => void checks.push(check) });
    expect(checks.find((c) => c.id === 'channels.slack.auth')).toMatchObject({ severity: 'critical', description: expect.stringContaining('invalid_auth') });
  });

  it('the app token revoked while connected: the reconnect fails with invalid_auth, the status shows it, and it recovers once Slack accepts it again', async () => {
    const h = await startSlack({ dmPolicy: 'allowlist', allowFrom: [ALICE] });
    h.slack.revoke(h.slack.appToken);
    h.slack.drop();
    await until(() => /apps\.connections\.open failed: invalid_auth/.test(h.status().lastError?.message ?? ''), 'the revoked app token to be reported');
    expect(h.status().state).toBe('degraded');
    const logs = JSON.stringify(h.kernel.logs);
    expect(logs).not.toContain(h.slack.appToken);
    expect(logs).not.toContain(h.slack.botToken);
    // Files under the state dir (pairing, sessions, logs) hold no token either.
    for (const entry of readdirSync(h.kernel.tempDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())) {
      const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
      expect(text, entry.name).not.toContain(h.slack.appToken);
      expect(text, entry.name).not.toContain(h.slack.botToken);
    }
    h.slack.restore(h.slack.appToken);
    await h.waitForState('connected');
    h.slack.dm(ALICE, 'back?');
    const [reply] = await h.slack.waitForPosted(1);
    expect(reply!.text).toBe('echo: back?');
  });

  it('the bot token revoked: a reply is refused (not retried), and the channel goes back through auth.test and reports it', async () => {
    const h = await startSlack({ dmPolicy: 'allowlist', allowFrom: [ALICE] });
    h.slack.revoke(h.slack.botToken, 'token_revoked');
    h.slack.dm(ALICE, 'hello');
    await until(() => h.status().outbound.failed === 1, 'the send to fail');
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    await h.waitForState('degraded');
    expect(h.status().lastError?.message).toMatch(/token_revoked/);
  });

  it('Socket Mode switched off in the app (disconnect link_disabled): degraded with the reason, reconnecting with backoff', async () => {
    const h = await startSlack();
    h.slack.refresh('link_disabled');
    await until(() => /link_disabled/.test(h.status().lastError?.message ?? ''), 'link_disabled to be reported');
    await h.waitForState('connected');
    expect(h.slack.connections).toBe(2);
  });

  it('a refused message (channel_not_found) fails at once; a 5xx is retried', async () => {
    const h = await startSlack({ dmPolicy: 'allowlist', allowFrom: [ALICE] });
    h.slack.failNext('chat.postMessage', { error: 'channel_not_found' }, { status: 503 });
    h.slack.dm(ALICE, 'first');
    await until(() => h.status().outbound.failed === 1, 'the first reply to fail');
    expect(h.status().lastError?.message).toMatch(/channel_not_found/);
    h.slack.dm(ALICE, 'second');
    const [reply] = await h.slack.waitForPosted(1);
    expect(reply!.text).toBe('echo: second');
    expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.status)).toEqual([200, 503, 200]);
  });
});
