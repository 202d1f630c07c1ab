import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { tokenFilePath } from '../../../plugins/auth-token/index.ts';
import { defineMethod, gatewayServiceRef } from '../../../sdk/gateway/index.ts';
import { connectClient, logText, openClient, PASSWORD, startGateway } from './helpers.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

/** The gateway's "listening" log record. */
const listening = (kernel: { logs: readonly Record<string, unknown>[] }) => kernel.logs.find((record) => String(record['msg']).startsWith('gateway listening on'));

describe('auth modes', () => {
  it('AU-01: no auth plugin loaded → every connect is refused (1008 "auth is not configured") and no method runs', async () => {
    const calls: string[] = [];
    const spy = definePlugin({ name: 'spy', version: '1.0.0', setup(ctx) { defineMethod(ctx, { name: 'spy.call', scope: 'read', handler: () => calls.push('ran') }); } });
    const { url, kernel } = await startGateway({ only: ['rate-limit', 'gateway', spy] });
    const client = openClient(url);
    const answer = await client.connect({ password: PASSWORD });
    expect(answer.error).toEqual({ code: 'AUTH_NOT_CONFIGURED', message: 'gateway auth is not configured (no auth plugin is loaded)' });
    expect(await client.closed).toEqual({ code: 1008, reason: 'auth is not configured' });
    expect(calls).toEqual([]);
    expect(kernel.logs.some((record) => record.level === 50 && String(record.msg).startsWith('no auth plugin is loaded'))).toBe(true);
  });

  it('no secret configured: a 32-byte token is generated (0600), its path logged (never the token), and accepted', async () => {
    const { url, kernel } = await startGateway({ gateway: { auth: { mode: 'password' } } });
    const file = tokenFilePath(join(kernel.tempDir, 'state'));
    const token = readFileSync(file, 'utf8').trim();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const notice = kernel.logs.find((record) => record.path === file);
    expect(notice?.msg).toBe(`no gateway password is configured: generated a gateway token in ${file} (clients send it as auth.token)`);
    expect(logText(kernel)).not.toContain(token);
    const client = await connectClient(url, { token });
    expect((await client.request('ping')).ok).toBe(true);
    const without = openClient(url);
    expect((await without.connect({})).error?.code).toBe('UNAUTHORIZED');
    const guess = openClient(url);
    expect((await guess.connect({ password: token })).error?.code).toBe('UNAUTHORIZED');
    // The listening line says the mode's own secret is not set (the generated token is what works).
    expect(listening(kernel)).toMatchObject({ auth: 'password', secretConfigured: false });
  });

  it('mode token with a configured token: only that token works; the generated one is not created', async () => {
    const configured = 'configured-token-abcdefghijklmnopqrstuvwxyz';
    const { url, kernel } = await startGateway({ gateway: { auth: { mode: 'token', token: configured } } });
    expect(() => readFileSync(tokenFilePath(join(kernel.tempDir, 'state')))).toThrow(/ENOENT/);
    expect((await (await connectClient(url, { token: configured })).request('ping')).ok).toBe(true);
    const password = openClient(url);
    expect((await password.connect({ password: configured })).error?.code).toBe('UNAUTHORIZED');
    expect(listening(kernel)).toMatchObject({ auth: 'token', secretConfigured: true });
  });

  it('mode none on loopback: a warning on every start, clients connect without a secret', async () => {
    const { url, kernel } = await startGateway({ gateway: { auth: { mode: 'none' } } });
    expect(kernel.logs.some((record) => record.level === 40 && String(record.msg).startsWith('gateway.auth.mode is "none"'))).toBe(true);
    const client = openClient(url);
    const hello = await client.connect({});
    expect(hello.payload?.scopes).toEqual(['read', 'write', 'admin']);
    expect(listening(kernel)).toMatchObject({ auth: 'none' });
    expect(listening(kernel)).not.toHaveProperty('secretConfigured');
  });

  it('a short password logs a warning (without the password)', async () => {
    const { kernel } = await startGateway({ gateway: { auth: { mode: 'password', password: 'short-pw' } } });
    expect(kernel.logs.find((record) => record.plugin === 'auth-password' && record.level === 40)?.msg).toBe(
      'gateway.auth.password is shorter than 12 characters; use a long random password or switch to a token',
    );
    expect(logText(kernel)).not.toContain('short-pw');
  });

  it('AU-12: a password rotated through the environment works at the next handshake; the old one stops working and its sessions are closed', async () => {
    const { url } = await startGateway();
    const before = await connectClient(url);
    vi.stubEnv('MOLTBOT_GATEWAY_PASSWORD', 'rotated-password-via-env-01');
    const after = await connectClient(url, { password: 'rotated-password-via-env-01' });
    expect(await before.closed).toEqual({ code: 1008, reason: 'credential rotated' });
    expect((await after.request('ping')).ok).toBe(true);
    const old = openClient(url);
    expect((await old.connect({ password: PASSWORD })).error?.code).toBe('UNAUTHORIZED');
  });

  it('AU-12: an idle gateway notices a rotation on its own and closes only the sessions of the rotated credential', async () => {
    const other = definePlugin({
      name: 'other-credential',
      version: '1.0.0',
      setup(ctx) {
        ctx.hooks.authenticate.tapPromise({ name: ctx.name, stage: -10 }, async (request) =>
          request.credential.token === 'other-credential-token-0123' ? { ok: true, scopes: ['read'], subject: 'other' } : undefined);
      },
    });
    const { url } = await startGateway({ only: ['rate-limit', ['auth-password', { rotationCheckMs: 50 }], 'gateway', other] });
    const viaPassword = await connectClient(url);
    const viaOther = await connectClient(url, { token: 'other-credential-token-0123' });
    vi.stubEnv('CLAWDBOT_GATEWAY_PASSWORD', 'rotated-password-via-env-02');
    expect(await viaPassword.closed).toEqual({ code: 1008, reason: 'credential rotated' });
    expect((await viaOther.request('ping')).ok).toBe(true);
  });

  it('AU-12: a password rotated in the config file works without a restart; the old one stops working', async () => {
    const temp = useTempDir();
    const config = (password: string) => JSON.stringify({
      gateway: { auth: { mode: 'password', password } },
      plugins: ['rate-limit', 'auth-password', 'auth-token', 'gateway'],
    });
    const file = temp.write('moltbot.config.json', config('file-password-number-one'));
    const kernel = await createTestKernel({ config: undefined, configFile: file, cwd: temp.dir, start: false });
    await kernel.load();
    kernel.use(gatewayServiceRef).listenOn({ port: 0 });
    await kernel.start();
    const url = kernel.use(gatewayServiceRef).address()!.url;
    expect((await connectClient(url, { password: 'file-password-number-one' })).ws.readyState).toBe(1);
    writeFileSync(file, config('file-password-number-two'));
    utimesSync(file, Date.now() / 1000 + 5, Date.now() / 1000 + 5);
    expect((await connectClient(url, { password: 'file-password-number-two' })).ws.readyState).toBe(1);
    const old = openClient(url);
    expect((await old.connect({ password: 'file-password-number-one' })).error?.code).toBe('UNAUTHORIZED');
    expect(logText(kernel)).not.toContain('file-password-number');
  });
});
