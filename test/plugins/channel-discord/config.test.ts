/** `channels.discord` as users write it: env references, option errors naming the key, audit findings. */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Check } from '../../../core/hook-types.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { startFakeDiscord } from '../../helpers/fake-discord.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { startDiscord, until } from './harness.ts';
import { channelsServiceRef } from '../../../sdk/channels/index.ts';

describe('channel-discord: config', () => {
  it('takes the token from ${DISCORD_BOT_TOKEN}, loaded by the channels.discord section alone; guilds: false asks for the DM intent only', async () => {
    const dc = await startFakeDiscord();
    onTestFinished(() => dc.close());
    const temp = useTempDir();
    const configFile = temp.write('moltbot.config.json', JSON.stringify({
      plugins: ['channels'],
      channels: { discord: { botToken: '${DISCORD_BOT_TOKEN}', apiBaseUrl: dc.apiBaseUrl, guilds: false } },
    }));
    const kernel = await createTestKernel({ config: undefined, configFile, env: { DISCORD_BOT_TOKEN: dc.token } });
    expect(kernel.plugins().find((p) => p.name === 'channel-discord')).toMatchObject({ declaredAt: expect.stringContaining('channels.discord') });
    const channels = kernel.use(channelsServiceRef);
    await until(() => channels.status().find((s) => s.id === 'discord')?.state === 'connected', 'the channel to connect');
    const [identify] = await dc.waitForFrames(2, 1);
    expect(identify!.d).toMatchObject({ intents: 1 << 12 });
    // The fake refuses any other token: READY came, so the reference was resolved.
    expect(JSON.stringify(kernel.logs)).not.toContain(dc.token);
  });

  it('a bad option names channels.discord.<key> and never echoes the token', async () => {
    await expect(startDiscord({ settings: { apiBaseUrl: 'discord.com/api/' } })).rejects.toThrow(/channels\.discord\.apiBaseUrl/);
    await expect(startDiscord({ settings: { intents: 513 } })).rejects.toThrow(/channels\.discord\.intents is not a known key/);
    const badToken = 'Bot MTIzNDU2Nzg5MDEyMzQ1Njc4.secret value with spaces';
    const error = (await startDiscord({ settings: { botToken: badToken } }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/channels\.discord\.botToken/);
    expect(error.message).not.toContain('secret value with spaces');
  });

  it('security audit: a literal token is a finding; any guild channel answered without a mention is a warning; doctor says the token works', async () => {
    const dc = await startFakeDiscord();
    onTestFinished(() => dc.close());
    const temp = useTempDir();
    const configFile = temp.write('moltbot.config.json', JSON.stringify({
      plugins: ['channels', 'audit'],
      channels: { discord: { botToken: dc.token, apiBaseUrl: dc.apiBaseUrl, groupPolicy: 'open', requireMention: false } },
    }));
    const kernel = await createTestKernel({ config: undefined, configFile });
    const findings: Check[] = [];
    await kernel.hooks.audit.promise({ add: (check) => void findings.push(check) });
    expect(findings.find((f) => f.id === 'config.secrets.in_config_file')?.description).toContain('channels.discord.botToken');
    expect(findings.find((f) => f.id === 'channels.discord.guilds_unrestricted')).toMatchObject({ severity: 'warning' });
    expect(JSON.stringify(findings)).not.toContain(dc.token);
    const doctor: Check[] = [];
    await kernel.hooks.diagnose.promise({ add: (check) => void doctor.push(check) });
    expect(doctor.find((c) => c.id === 'channels.discord.token')).toMatchObject({ severity: 'ok', description: `The token belongs to the bot moltbot (${dc.bot.id}).` });
  });
});
