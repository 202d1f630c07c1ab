import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuthRequest } from '../../../core/hook-types.ts';
import { createTestKernel } from '../../../app/testing.ts';

const request = (credential: AuthRequest['credential']): AuthRequest => ({ transport: 'ws', remoteAddress: '127.0.0.1', credential });

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('auth-password', () => {
  it('accepts the configured password with the configured scopes; refuses a wrong one; ignores tokens', async () => {
    const kernel = await createTestKernel({
      config: { gateway: { auth: { mode: 'password', password: 'a-long-gateway-password' } }, plugins: [['auth-password', { scopes: ['read', 'write'] }]] },
    });
    const authenticate = (credential: AuthRequest['credential']) => kernel.hooks.authenticate.promise(request(credential));
    expect(await authenticate({ password: 'a-long-gateway-password' })).toEqual({ ok: true, scopes: ['read', 'write'], subject: 'password' });
    expect(await authenticate({ password: 'a-long-gateway-passwore' })).toEqual({ ok: false, reason: 'password mismatch' });
    expect(await authenticate({ token: 'a-long-gateway-password' })).toBeUndefined();
    expect(await authenticate({})).toBeUndefined();
  });

  it('stays out of the way in token mode and when no password is configured', async () => {
    const tokenMode = await createTestKernel({ config: { gateway: { auth: { mode: 'token', password: 'a-long-gateway-password' } }, plugins: ['auth-password'] } });
    expect(await tokenMode.hooks.authenticate.promise(request({ password: 'a-long-gateway-password' }))).toBeUndefined();
    const unset = await createTestKernel({ config: { gateway: { auth: { mode: 'password' } }, plugins: ['auth-password'] } });
    expect(await unset.hooks.authenticate.promise(request({ password: 'anything' }))).toBeUndefined();
  });

  it('CLAWDBOT_GATEWAY_PASSWORD is read at each handshake and warned about when short (never logged)', async () => {
    const kernel = await createTestKernel({ config: { gateway: { auth: { mode: 'password', password: 'configured-password-1' } } }, plugins: ['auth-password'] });
    vi.stubEnv('CLAWDBOT_GATEWAY_PASSWORD', 'tiny-canary');
    expect(await kernel.hooks.authenticate.promise(request({ password: 'tiny-canary' }))).toMatchObject({ ok: true });
    expect(await kernel.hooks.authenticate.promise(request({ password: 'configured-password-1' }))).toMatchObject({ ok: false });
    const warnings = kernel.logs.filter((record) => record.plugin === 'auth-password' && record.level === 40);
    expect(warnings.map((record) => record.msg)).toEqual(['gateway.auth.password is shorter than 12 characters; use a long random password or switch to a token']);
    expect(JSON.stringify(kernel.logs)).not.toContain('tiny-canary');
  });

  it('rejects unknown scopes in its options', async () => {
    await expect(createTestKernel({ config: { plugins: [['auth-password', { scopes: ['root'] }]] } })).rejects.toMatchObject({ code: 'MOLT_ERR_PLUGIN_OPTIONS_INVALID' });
  });
});
