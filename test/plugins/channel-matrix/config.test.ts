/** `channels.matrix` as users write it: env references, option errors naming the key, secrets masked, doctor and audit. */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Check } from '../../../core/hook-types.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { startFakeMatrix } from '../../helpers/fake-matrix.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { startMatrix, until } from './harness.ts';
import { channelsServiceRef } from '../../../sdk/channels/index.ts';

describe('channel-matrix: config', () => {
  it('takes the token from ${MATRIX_ACCESS_TOKEN} in a config file, loaded by the channels.matrix section alone', async () => {
    const mx = await startFakeMatrix();
    onTestFinished(() => mx.close());
    const temp = useTempDir();
    const configFile = temp.write('moltbot.config.json', JSON.stringify({
      plugins: ['channels'],
      channels: { matrix: { homeserverUrl: mx.url, accessToken: '${MATRIX_ACCESS_TOKEN}' } },
    }));
    const kernel = await createTestKernel({ config: undefined, configFile, env: { MATRIX_ACCESS_TOKEN: mx.token } });
    expect(kernel.plugins().find((p) => p.name === 'channel-matrix')).toMatchObject({ declaredAt: expect.stringContaining('channels.matrix') });
    const channels = kernel.use(channelsServiceRef);
    await until(() => channels.status()[0]?.state === 'connected', 'the channel to connect');
    expect(mx.calls.filter((c) => c.endpoint === 'whoami' && c.status === 200)).toHaveLength(1);
    expect(JSON.stringify(kernel.logs)).not.toContain(mx.token);
  });

  it('a bad option names channels.matrix.<key> and never echoes the token', async () => {
    await expect(startMatrix({ settings: { autoJoin: 'always' } })).rejects.toThrow(/channels\.matrix\.autoJoin/);
    await expect(startMatrix({ settings: { homeserverUrl: 'matrix.example.org' } })).rejects.toThrow(/channels\.matrix\.homeserverUrl/);
    const badToken = 'syt_secret with spaces_0123456789';
    const error = (await startMatrix({ settings: { accessToken: badToken } }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/channels\.matrix\.accessToken/);
    expect(error.message).not.toContain(badToken);
  });

  it('a userId that does not match the token\'s account leaves the channel degraded, saying which', async () => {
    const h = await startMatrix({ settings: { userId: '@other:fake.local' }, waitConnected: false });
    await until(() => h.status().lastError !== undefined, 'the mismatch to be reported');
    expect(h.status()).toMatchObject({ state: 'degraded', lastError: { message: 'Matrix request failed: the access token belongs to @molt:fake.local, not channels.matrix.userId @other:fake.local: fix one of them' } });
  });

  it('audit: plain http to a remote homeserver is critical; pairing auto-join is reported', async () => {
    const kernel = await createTestKernel({
      config: { plugins: ['channels'], channels: { matrix: { homeserverUrl: 'http://matrix.example.org', accessToken: '${MATRIX_ACCESS_TOKEN}', enabled: true } } },
      env: { MATRIX_ACCESS_TOKEN: 'syt_audit_only_token_0123456789' },
      start: false,
    });
    await kernel.load();
    const checks: Check[] = [];
    await kernel.hooks.audit.promise({ add: (check) => void checks.push(check as Check) });
    expect(checks.find((c) => c.id === 'channels.matrix.homeserver_http')).toMatchObject({ severity: 'critical' });
    expect(checks.find((c) => c.id === 'channels.matrix.autojoin_pairing')).toMatchObject({ severity: 'info' });
    expect(JSON.stringify(checks)).not.toContain('syt_audit_only_token_0123456789');
  });
});
