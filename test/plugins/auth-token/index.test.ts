import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuthRequest } from '../../../core/hook-types.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { tokenFilePath } from '../../../plugins/auth-token/index.ts';
import { hasConfiguredSecret } from '../../../sdk/gateway/index.ts';

const request = (credential: AuthRequest['credential']): AuthRequest => ({ transport: 'http', remoteAddress: '127.0.0.1', credential });

describe('auth-token', () => {
  it('mode token: accepts the configured token only', async () => {
    const token = 'configured-token-0123456789abcdefghij';
    const kernel = await createTestKernel({ config: { gateway: { auth: { mode: 'token', token } }, plugins: ['auth-token'] } });
    expect(await kernel.hooks.authenticate.promise(request({ token }))).toEqual({ ok: true, scopes: ['read', 'write', 'admin'], subject: 'token' });
    expect(await kernel.hooks.authenticate.promise(request({ token: `${token}x` }))).toEqual({ ok: false, reason: 'token mismatch' });
    expect(await kernel.hooks.authenticate.promise(request({ password: token }))).toBeUndefined();
  });

  it('a short configured token draws a warning', async () => {
    const kernel = await createTestKernel({ config: { gateway: { auth: { mode: 'token', token: 'short-token' } }, plugins: ['auth-token'] } });
    expect(kernel.logs.some((record) => record.plugin === 'auth-token' && record.level === 40)).toBe(true);
    expect(JSON.stringify(kernel.logs)).not.toContain('short-token');
  });

  it('no secret configured: the generated token is accepted; a rewritten token file is picked up', async () => {
    const kernel = await createTestKernel({ config: { gateway: { auth: { mode: 'password' } }, plugins: ['auth-token'] } });
    const file = tokenFilePath(join(kernel.tempDir, 'state'));
    const generated = readFileSync(file, 'utf8').trim();
    expect(await kernel.hooks.authenticate.promise(request({ token: generated }))).toEqual({ ok: true, scopes: ['read', 'write', 'admin'], subject: 'token:generated' });
    writeFileSync(file, 'replaced-token-value-0123456789\n');
    utimesSync(file, Date.now() / 1000 + 5, Date.now() / 1000 + 5);
    expect(await kernel.hooks.authenticate.promise(request({ token: generated }))).toMatchObject({ ok: false });
    expect(await kernel.hooks.authenticate.promise(request({ token: 'replaced-token-value-0123456789' }))).toMatchObject({ ok: true });
  });

  it('mode none: no token file, no verdict', async () => {
    const kernel = await createTestKernel({ config: { gateway: { auth: { mode: 'none' } }, plugins: ['auth-token'] } });
    expect(() => readFileSync(tokenFilePath(join(kernel.tempDir, 'state')))).toThrow(/ENOENT/);
    expect(await kernel.hooks.authenticate.promise(request({ token: 'x' }))).toBeUndefined();
  });

  it('hasConfiguredSecret follows the mode', () => {
    expect(hasConfiguredSecret({ mode: 'password', token: 't' })).toBe(false);
    expect(hasConfiguredSecret({ mode: 'password', password: 'p' })).toBe(true);
    expect(hasConfiguredSecret({ mode: 'token', password: 'p' })).toBe(false);
    expect(hasConfiguredSecret({ mode: 'token', token: 't' })).toBe(true);
  });
});
