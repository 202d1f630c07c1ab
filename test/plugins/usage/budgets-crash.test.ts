/**
 * A budget's counter survives a SIGKILL: a real `moltbot gateway` process spends its daily
 * budget, is killed with SIGKILL as soon as the reply arrives, and the gateway started again on
 * the same state dir refuses the next call (the counter is rebuilt from the ledger).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../helpers/fake-provider.ts';
import { startGatewayProcess, writeConfig, type GatewayProcess } from '../../helpers/gateway-process.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { chat } from '../agent/harness.ts';
import { connectClient } from '../gateway/helpers.ts';

const PASSWORD = 'budget-crash-test-password-0123';

describe('budget counters across a SIGKILL (real gateway process)', { timeout: 60_000 }, () => {
  let fake: FakeProvider;
  const gateways: GatewayProcess[] = [];
  beforeAll(async () => {
    fake = await startFakeProvider();
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop('SIGKILL')));
    await fake?.close();
  });

  it('the gateway started again after kill -9 still refuses a call over the spent budget', async () => {
    const { dir } = useTempDir('moltbot-budget-crash-');
    writeConfig(dir, {
      agent: { model: 'fake/primary' },
      providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-key' } },
      gateway: { auth: { mode: 'password', password: PASSWORD } },
      // $1 an input token: the first call (its whole request body is input) spends the $20.
      plugins: [['usage', { prices: { 'fake/primary': { input: 1e6, output: 0 } }, timezone: 'UTC', budgets: [{ name: 'daily', scope: 'global', period: 'day', usd: 20 }] }]],
    });
    const boot = async () => {
      const gateway = await startGatewayProcess(dir, 'a');
      gateways.push(gateway);
      return gateway;
    };
    let gateway = await boot();
    let client = await connectClient(gateway.url, { password: PASSWORD });
    expect((await chat(client, 'spend it')).final.payload.status).toBe('ok');
    expect(await gateway.stop('SIGKILL')).toBeNull();

    gateway = await boot();
    client = await connectClient(gateway.url, { password: PASSWORD });
    const refused = await chat(client, 'once more');
    expect(refused.final.payload.error?.code).toBe('MOLT_ERR_USAGE_BUDGET_EXCEEDED');
    expect(refused.final.payload.error?.message).toMatch(/hard spend limit "daily" is used up/);
    expect(fake.requests).toHaveLength(1);
  });
});
