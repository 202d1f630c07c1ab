/** `channels.telegram` as users write it: env references, and option errors that name the key. */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Check } from '../../../core/hook-types.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { startFakeTelegram } from '../../helpers/fake-telegram.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { startTelegram, until } from './harness.ts';
import { channelsServiceRef } from '../../../sdk/channels/index.ts';

describe('channel-telegram: config', () => {
  it('takes the token from ${TELEGRAM_BOT_TOKEN} in a config file, loaded by the channels.telegram section alone', async () => {
    const tg = await startFakeTelegram();
    onTestFinished(() => tg.close());
    const temp = useTempDir();
    const configFile = temp.write('moltbot.config.json', JSON.stringify({
      plugins: ['channels'],
      channels: { telegram: { botToken: '${TELEGRAM_BOT_TOKEN}', apiRoot: tg.apiRoot, dmPolicy: 'pairing' } },
    }));
    const kernel = await createTestKernel({ config: undefined, configFile, env: { TELEGRAM_BOT_TOKEN: tg.token } });
    expect(kernel.plugins().find((p) => p.name === 'channel-telegram')).toMatchObject({ declaredAt: expect.stringContaining('channels.telegram') });
    const channels = kernel.use(channelsServiceRef);
    await until(() => channels.status()[0]?.state === 'connected', 'the channel to connect');
    // The fake answers 401 to any other token: getMe worked, so the reference was resolved.
    expect(tg.calls.filter((c) => c.method === 'getMe')).toHaveLength(1);
    expect(JSON.stringify(kernel.logs)).not.toContain(tg.token);
  });

  it('a bad option names channels.telegram.<key> and never echoes the token', async () => {
    await expect(startTelegram({ settings: { mode: 'push' } })).rejects.toThrow(/channels\.telegram\.mode/);
    const badToken = 'not-a-token-but-a-secret-value-1234567890';
    const error = (await startTelegram({ settings: { botToken: badToken } }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/channels\.telegram\.botToken/);
    expect(error.message).not.toContain(badToken);
  });

  it('webhook mode without a gateway is a config error saying what to do', async () => {
    const error = (await createTestKernel({
      config: { plugins: ['channels'], channels: { telegram: { botToken: '1:abc', mode: 'webhook', webhookSecret: 'webhook_secret_for_tests_0123' } } },
    }).catch((e: unknown) => e)) as Error & { code?: string };
    expect(error.code).toBe('MOLT_ERR_TELEGRAM_WEBHOOK_GATEWAY');
    expect(error.message).toBe('channels.telegram.mode is "webhook" but no gateway is loaded to receive the updates');
  });

  it('a token Telegram refuses (401) leaves the channel degraded with a token-free error, retrying', async () => {
    const wrong = '987654321:AAWrongTokenWrongTokenWrongToken_zzzzz';
    const h = await startTelegram({ settings: { botToken: wrong }, waitConnected: false });
    await until(() => h.tg.calls.filter((c) => c.method === 'getMe').length >= 2, 'a retry after the 401');
    expect(h.status()).toMatchObject({ state: 'degraded', lastError: { message: 'Telegram getMe failed: 401 Unauthorized' } });
    const logs = JSON.stringify(h.kernel.logs);
    expect(logs).toContain('Telegram getMe failed: 401 Unauthorized');
    expect(logs).not.toContain(wrong);
    expect(logs).not.toContain(wrong.split(':')[1]);
  });

  it('security audit: a literal botToken or webhookSecret in the config file is a finding (paths named, values never)', async () => {
    const tg = await startFakeTelegram();
    onTestFinished(() => tg.close());
    const temp = useTempDir();
    const secret = 'literal_webhook_secret_0123456789';
    const configFile = temp.write('moltbot.config.json', JSON.stringify({
      plugins: ['channels', 'audit'],
      channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, webhookSecret: secret } },
    }));
    const kernel = await createTestKernel({ config: undefined, configFile });
    const findings: Check[] = [];
    await kernel.hooks.audit.promise({ add: (check) => void findings.push(check) });
    const literal = findings.find((f) => f.id === 'config.secrets.in_config_file');
    expect(literal?.description).toContain('channels.telegram.botToken');
    expect(literal?.description).toContain('channels.telegram.webhookSecret');
    expect(JSON.stringify(findings)).not.toContain(secret);
    expect(JSON.stringify(findings)).not.toContain(tg.token);
  });
});
