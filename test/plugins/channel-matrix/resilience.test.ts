/** The homeserver going away, rate limits, lost answers, revoked tokens and restarts, through the real channels service. */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startFakeMatrix } from '../../helpers/fake-matrix.ts';
import { ALICE, startMatrix, until } from './harness.ts';

const allowAlice = { dmPolicy: 'allowlist', allowFrom: [ALICE] };
const body = (content: Record<string, unknown>) => content['body'] as string;

describe('channel-matrix: resilience', () => {
  it('429 M_LIMIT_EXCEEDED on send: retry_after_ms is honoured and the reply is delivered once', async () => {
    const h = await startMatrix({ settings: allowAlice });
    const dm = h.mx.room([ALICE], { direct: true });
    h.mx.failNext('send', { status: 429, retryAfterMs: 800 });
    h.mx.message(dm, ALICE, 'hello');
    const [reply] = await h.mx.waitForSent(1);
    expect(body(reply!.content)).toBe('echo: hello');
    const attempts = h.mx.calls.filter((c) => c.endpoint === 'send');
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(790);
    await until(() => h.status().outbound.sent === 1, 'the service to count the send');
    expect(h.status()).toMatchObject({ outbound: { sent: 1, failed: 0, retried: 1 } });
    expect(h.mx.sent).toHaveLength(1);
  });

  it('a send whose answer is lost (stored, then the connection drops) is retried with the same txnId: one message in the room', async () => {
    const h = await startMatrix({ settings: allowAlice });
    const dm = h.mx.room([ALICE], { direct: true });
    h.mx.failNext('send', { dropAfterProcess: true });
    h.mx.message(dm, ALICE, 'once please');
    await h.mx.waitForCalls('send', 2);
    await until(() => h.status().outbound.sent === 1, 'the retry to be accepted');
    const attempts = h.mx.calls.filter((c) => c.endpoint === 'send');
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.path).toBe(attempts[0]!.path);
    expect(h.mx.sent.map((s) => body(s.content))).toEqual(['echo: once please']);
    // The next reply is a new message: a new txnId.
    h.mx.message(dm, ALICE, 'again');
    await h.mx.waitForSent(2);
    const paths = h.mx.calls.filter((c) => c.endpoint === 'send').map((c) => c.path);
    expect(new Set(paths).size).toBe(2);
  });

  it('a 429 on /sync degrades the channel, waits retry_after_ms, then syncs on', async () => {
    const h = await startMatrix({ settings: { ...allowAlice, pollTimeoutMs: 1000 } });
    h.mx.failNext('sync', { status: 429, retryAfterMs: 600 }, { status: 502, errcode: 'M_UNKNOWN', error: 'Bad gateway' });
    await until(() => h.status().lastError?.message === 'Matrix sync failed: 429 M_LIMIT_EXCEEDED Too Many Requests', 'the 429 to be reported');
    const limited = h.mx.calls.findIndex((c) => c.endpoint === 'sync' && c.status === 429);
    await h.waitForState('connected');
    const next = h.mx.calls[limited + 1]!;
    expect(next.endpoint).toBe('whoami');
    expect(next.at - h.mx.calls[limited]!.at).toBeGreaterThanOrEqual(590);
    const dm = h.mx.room([ALICE], { direct: true });
    h.mx.message(dm, ALICE, 'after the storm');
    const [reply] = await h.mx.waitForSent(1);
    expect(body(reply!.content)).toBe('echo: after the storm');
  });

  it('a dropped connection: degraded while the homeserver is away, then resumes from the same since token without losing the message sent meanwhile', async () => {
    const h = await startMatrix({ settings: allowAlice });
    const dm = h.mx.room([ALICE], { direct: true });
    h.mx.message(dm, ALICE, 'before');
    await h.mx.waitForSent(1);
    const lastSync = () => h.mx.calls.filter((c) => c.endpoint === 'sync').at(-1)!;
    await until(() => h.status().outbound.sent === 1 && lastSync().status === undefined, 'a long poll to be open after the reply');
    await h.mx.down();
    // The open long poll was cut unanswered: its since is where the channel must resume.
    const cut = lastSync();
    expect(cut.status).toBeUndefined();
    const sinceBefore = cut.query['since'];
    await h.waitForState('degraded');
    expect(h.status().lastError?.message).toMatch(/^Matrix (sync|whoami) failed: /);
    h.mx.message(dm, ALICE, 'while you were away');
    const syncsBefore = h.mx.calls.filter((c) => c.endpoint === 'sync').length;
    await h.mx.up();
    await h.waitForState('connected');
    const [, reply] = await h.mx.waitForSent(2);
    expect(body(reply!.content)).toBe('echo: while you were away');
    // The first sync after the outage continued from the last saved token.
    expect(h.mx.calls.filter((c) => c.endpoint === 'sync')[syncsBefore]!.query['since']).toBe(sinceBefore);
    expect(h.mx.sent.map((s) => body(s.content))).toEqual(['echo: before', 'echo: while you were away']);
  });

  it('the since token survives a restart (0600, atomic): no replay of what was answered, nothing lost from the downtime', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'moltbot-mx-state-'));
    onTestFinished(() => rmSync(stateDir, { recursive: true, force: true }));
    const mx = await startFakeMatrix();
    onTestFinished(() => mx.close());
    const first = await startMatrix({ mx, settings: allowAlice, env: { MOLTBOT_STATE_DIR: stateDir } });
    const dm = mx.room([ALICE], { direct: true });
    mx.message(dm, ALICE, 'one');
    await mx.waitForSent(1);
    await first.kernel.close();

    const file = join(stateDir, 'plugins', 'channel-matrix', 'sync.json');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { userId: string; since: string; direct: string[] };
    expect(saved).toMatchObject({ userId: mx.userId, since: expect.stringMatching(/^s\d+$/), direct: [dm] });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    mx.message(dm, ALICE, 'two');
    const callsBefore = mx.calls.length;
    const second = await startMatrix({ mx, settings: allowAlice, env: { MOLTBOT_STATE_DIR: stateDir } });
    const firstSync = mx.calls.slice(callsBefore).find((c) => c.endpoint === 'sync');
    expect(firstSync!.query['since']).toBe(saved.since);
    await mx.waitForSent(2);
    expect(mx.sent.map((s) => body(s.content))).toEqual(['echo: one', 'echo: two']);
    expect(second.fake.requests).toHaveLength(1);
  });

  it('a revoked token (401 M_UNKNOWN_TOKEN): the channel shows the error and keeps retrying, no crash, the token never logged', async () => {
    const h = await startMatrix({ settings: { ...allowAlice, pollTimeoutMs: 1000 } });
    const token = h.mx.token;
    h.mx.revoke();
    await h.waitForState('degraded');
    await until(() => h.mx.calls.filter((c) => c.endpoint === 'whoami' && c.status === 401).length >= 2, 'retries after the 401');
    expect(h.status().lastError?.message).toBe('Matrix whoami failed: 401 M_UNKNOWN_TOKEN Invalid access token passed. (the access token was revoked or is wrong: log the bot in again and update channels.matrix.accessToken)');
    const logs = JSON.stringify(h.kernel.logs);
    expect(logs).toContain('M_UNKNOWN_TOKEN');
    expect(logs).not.toContain(token);
    expect(h.status().state).toBe('degraded');
  });
});
