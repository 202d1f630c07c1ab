/** channels.irc as a user writes it: option errors named by config path, audit findings, secrets never printed. */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Check } from '../../../core/hook-types.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { auditIrc } from '../../../plugins/channel-irc/audit.ts';
import { runCliCaptured } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { channelsServiceRef } from '../../../sdk/channels/index.ts';

const CANARY = 'irc-canary-7d1f0e';

async function loadError(irc: Record<string, unknown>): Promise<string> {
  const kernel = await createTestKernel({ config: { plugins: ['channels'], channels: { irc } }, start: false });
  const error = await kernel.load().then(() => undefined, (caught: unknown) => caught as Error);
  expect(error, 'the config should have been refused').toBeInstanceOf(Error);
  return error!.message;
}

describe('channels.irc options', () => {
  it('a bad key is reported under channels.irc with the closest valid key; secret values are never echoed', async () => {
    expect(await loadError({ host: 'irc.example.net', nick: 'bad nick!' })).toMatch(/channels\.irc.*nick/s);
    const typo = await loadError({ host: 'irc.example.net', nick: 'moltbot', chanels: ['#room'] });
    expect(typo).toMatch(/chanels/);
    expect(typo).toMatch(/channels/);
    const secret = await loadError({ host: 'irc.example.net', nick: 'moltbot', nickservPassword: 1234567 });
    expect(secret).toMatch(/nickservPassword/);
    expect(secret).not.toContain('1234567');
    expect(await loadError({ host: 'irc.example.net', nick: 'moltbot', channels: ['no-hash'] })).toMatch(/channels\.irc.*channels/s);
  });

  it('loads with a valid section (the plugin is implied by channels.irc)', async () => {
    const kernel = await createTestKernel({ config: { plugins: ['channels'], channels: { irc: { host: '127.0.0.1', port: 1, nick: 'moltbot', channels: ['#room'] } } }, start: false });
    await kernel.load();
    expect(kernel.use(channelsServiceRef).status()).toEqual([expect.objectContaining({ id: 'irc', state: 'stopped' })]);
  });
});

describe('moltbot security audit with channels.irc', () => {
  it('flags clear-text IRC carrying a password (critical) and an owner trusted by nick over it (critical); no secret printed', async () => {
    const { dir } = useTempDir();
    writeFileSync(join(dir, 'moltbot.config.json'), JSON.stringify({
      channels: { irc: { host: 'irc.example.net', nick: 'moltbot', password: '${IRC_PASSWORD}', owners: ['alice'], dmPolicy: 'pairing' } },
    }), { mode: 0o600 });
    mkdirSync(join(dir, '.state'), { mode: 0o700 });
    chmodSync(join(dir, '.state'), 0o700);
    const result = await runCliCaptured(['security', 'audit', '--json'], { cwd: dir, env: { IRC_PASSWORD: CANARY, MOLTBOT_STATE_DIR: join(dir, '.state') } });
    const parsed = JSON.parse(result.stdout) as { findings: { id: string; severity: string }[] };
    const irc = parsed.findings.filter((f) => f.id.startsWith('channels.irc.')).map((f) => `${f.id}:${f.severity}`);
    expect(irc.sort()).toEqual(['channels.irc.nick_identity:critical', 'channels.irc.tls_off:critical']);
    expect(result.stdout + result.stderr).not.toContain(CANARY);
  });
});

describe('IRC audit: trust by nick', () => {
  const nickFinding = (options: Record<string, unknown>, section: Record<string, unknown>): Check | undefined => {
    const checks: Check[] = [];
    auditIrc({ host: 'irc.example.net', nick: 'moltbot', ...options }, section, { add: (check) => void checks.push(check) });
    return checks.find((check) => check.id === 'channels.irc.nick_identity');
  };

  it.each([
    ['owner → main session over verified TLS', { tls: true }, { owners: ['alice'] }, 'warning'],
    ['owner → main session, no TLS to a remote host (messages forgeable on the path)', {}, { owners: ['alice'] }, 'critical'],
    ['owner → main session, TLS unverified', { tls: true, tlsRejectUnauthorized: false }, { owners: ['alice'] }, 'critical'],
    ['owner → main session, no TLS on loopback', { host: '127.0.0.1' }, { owners: ['alice'] }, 'warning'],
    ['owner with ownerSession "dm" (sandboxed), no TLS', {}, { owners: ['alice'], ownerSession: 'dm' }, 'warning'],
    ['allowFrom nicks only', { tls: true }, { allowFrom: ['bob'] }, 'warning'],
  ])('%s', (_name, options, section, severity) => {
    expect(nickFinding(options, section)?.severity).toBe(severity);
  });

  it('says what an owner nick gets and advises what actually helps (not pairing: it is nick-keyed too)', () => {
    const finding = nickFinding({ tls: true }, { owners: ['alice'], dmPolicy: 'pairing' })!;
    expect(finding.title).toBe('IRC owners get the main session on a nick alone');
    expect(finding.description).toContain('1 owner nick(s), whose DMs run in the unsandboxed main session');
    expect(finding.description).toContain('pairing approvals are nick-keyed too');
    expect(finding.recommendation).toContain('channels.irc.ownerSession to "dm"');
    expect(finding.recommendation).not.toMatch(/dmPolicy "pairing"/);
  });

  it('reports nothing when no nick is trusted or DMs are off', () => {
    expect(nickFinding({}, {})).toBeUndefined();
    expect(nickFinding({}, { allowFrom: ['*'] })).toBeUndefined();
    expect(nickFinding({}, { owners: ['alice'], dmPolicy: 'disabled' })).toBeUndefined();
  });
});
