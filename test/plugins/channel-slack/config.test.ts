/** `channels.slack` as users write it: env references, option errors naming the key, doctor scopes, audit findings. */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Check } from '../../../core/hook-types.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { startFakeSlack } from '../../helpers/fake-slack.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { PASSWORD } from '../gateway/helpers.ts';
import { startSlack, until } from './harness.ts';
import { channelsServiceRef } from '../../../sdk/channels/index.ts';

describe('channel-slack: config', () => {
  it('takes both tokens from ${SLACK_BOT_TOKEN} / ${SLACK_APP_TOKEN}, loaded by the channels.slack section alone; the tokens are masked and flagged nowhere', async () => {
    const slack = await startFakeSlack();
    onTestFinished(() => slack.close());
    const temp = useTempDir();
    const configFile = temp.write('moltbot.config.json', JSON.stringify({
      plugins: ['channels'],
      channels: { slack: { botToken: '${SLACK_BOT_TOKEN}', appToken: '${SLACK_APP_TOKEN}', apiUrl: slack.apiUrl } },
    }));
    const kernel = await createTestKernel({ config: undefined, configFile, env: { SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken } });
    expect(kernel.plugins().find((p) => p.name === 'channel-slack')).toMatchObject({ declaredAt: expect.stringContaining('channels.slack') });
    const channels = kernel.use(channelsServiceRef);
    await until(() => channels.status()[0]?.state === 'connected', 'the channel to connect');
    expect(slack.connections).toBe(1);
    expect(JSON.stringify(kernel.logs)).not.toContain(slack.botToken);
  });

  it('bad options name channels.slack.<key> and never echo the token', async () => {
    await expect(startSlack({ mode: 'rtm' })).rejects.toThrow(/channels\.slack\.mode/);
    await expect(startSlack({ appToken: undefined })).rejects.toThrow(/channels\.slack.*appToken/s);
    const userToken = 'xoxp-1111-2222-a-user-token-not-a-bot-token';
    const error = (await startSlack({ botToken: userToken }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/channels\.slack\.botToken/);
    expect(error.message).not.toContain(userToken);
  });

  it('events mode without a gateway is a config error saying what to do', async () => {
    const error = (await createTestKernel({
      config: { plugins: ['channels'], channels: { slack: { botToken: 'xoxb-1-2-abc', mode: 'events', signingSecret: 'secret-for-tests' } } },
    }).catch((e: unknown) => e)) as Error & { code?: string };
    expect(error.code).toBe('MOLT_ERR_CONFIG_INVALID');
    expect(error.message).toBe('channels.slack.mode is "events" but no gateway is loaded to receive the Events API requests');
  });

  it('doctor: the token works but lacks scopes → names them (critical without chat:write)', async () => {
    const h = await startSlack();
    const diagnose = async () => {
      const checks: Check[] = [];
      await h.kernel.hooks.diagnose.promise({ add: (check) => void checks.push(check) });
      return checks.find((c) => c.id === 'channels.slack.auth');
    };
    expect(await diagnose()).toMatchObject({ severity: 'ok', description: expect.stringContaining('Bot moltbot in Molt Team') });
    h.slack.scopes = ['chat:write', 'channels:history'];
    expect(await diagnose()).toMatchObject({ severity: 'warning', description: expect.stringMatching(/im:history.*users:read/) });
    h.slack.scopes = ['im:history'];
    expect(await diagnose()).toMatchObject({ severity: 'critical', description: expect.stringContaining('chat:write') });
  });

  it('security audit: literal tokens in the config file, a token that is the gateway password, open DMs', async () => {
    const slack = await startFakeSlack();
    onTestFinished(() => slack.close());
    const temp = useTempDir();
    const configFile = temp.write('moltbot.config.json', JSON.stringify({
      plugins: ['channels', 'audit'],
      // Not loaded (nothing listens): the audit compares the channel's secrets with its password.
      gateway: { auth: { mode: 'password', password: PASSWORD } },
      channels: { slack: { botToken: slack.botToken, appToken: slack.appToken, signingSecret: PASSWORD, apiUrl: slack.apiUrl, dmPolicy: 'open', allowFrom: ['*'] } },
    }));
    const kernel = await createTestKernel({ config: undefined, configFile });
    const findings: Check[] = [];
    await kernel.hooks.audit.promise({ add: (check) => void findings.push(check) });
    const literal = findings.find((f) => f.id === 'config.secrets.in_config_file');
    expect(literal?.description).toContain('channels.slack.botToken');
    expect(literal?.description).toContain('channels.slack.appToken');
    expect(literal?.description).toContain('channels.slack.signingSecret');
    expect(findings.find((f) => f.id === 'channels.slack.signingSecret.reuses_gateway_secret')).toMatchObject({ severity: 'critical' });
    expect(findings.find((f) => f.id === 'channels.slack.dm.open')).toBeDefined();
    for (const secret of [slack.botToken, slack.appToken, PASSWORD]) expect(JSON.stringify(findings)).not.toContain(secret);
  });
});
