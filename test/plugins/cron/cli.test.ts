/** `moltbot cron list|add|remove|run` and RPC `cron.*` against a running gateway. */
import { writeFileSync } from 'node:fs';
import { cronServiceRef } from '../../../plugins/cron/index.ts';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { methodRegistry } from '../../../sdk/gateway/methods.ts';
import { runCliCaptured } from '../../helpers/cli.ts';
import { startFakeProvider } from '../../helpers/fake-provider.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { connectClient, PASSWORD, startGateway } from '../gateway/helpers.ts';
import { waitUntil } from './harness.ts';

async function gatewayWithCron(cron: Record<string, unknown> = {}) {
  const fake = await startFakeProvider();
  const { onTestFinished } = await import('vitest');
  onTestFinished(() => fake.close());
  const harness = await startGateway({
    extra: ['session-store-file', 'provider-openai', 'agent', 'cron'],
    config: {
      agent: { model: 'fake/primary' },
      providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-openai-key' } },
      cron,
    },
  });
  const { dir } = useTempDir();
  writeFileSync(join(dir, 'moltbot.config.json'), JSON.stringify({ preset: 'none', plugins: ['cron'], gateway: { port: harness.port, auth: { mode: 'password', password: '${GW_PW}' } } }));
  const cli = (...args: string[]) => runCliCaptured(['cron', ...args], { cwd: dir, env: { GW_PW: PASSWORD } });
  return { ...harness, fake, cli };
}

describe('moltbot cron', () => {
  it('add, list, run and remove through the running gateway', async () => {
    const g = await gatewayWithCron({ jobs: [{ id: 'declared', every: '1d', message: 'from config' }] });
    const added = await g.cli('add', '--id', 'standup', '--cron', '0 9 * * 1-5', '--tz', 'Europe/Berlin', '-m', 'Prepare the stand-up', '--webhook', 'http://127.0.0.1:9/hook/token-canary-123');
    expect(added.stderr).toBe('');
    expect(added.stdout).toMatch(/^added standup, next run \d{4}-\d\d-\d\dT0[78]:00:00\.000Z\n$/);

    const list = await g.cli('list');
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID +SCHEDULE +NEXT RUN +LAST +RUNS +SOURCE$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['declared', 'standup']);
    expect(lines[2]).toMatch(/^standup +cron 0 9 \* \* 1-5 Europe\/Berlin +\S+ +never run +0 +runtime$/);

    const json = JSON.parse((await g.cli('list', '--json')).stdout);
    // The URL's path may hold a token: clients see the origin only; the scheduler keeps the URL.
    expect(json.find((j: { id: string }) => j.id === 'standup').input.deliver).toEqual({ webhook: 'http://127.0.0.1:9/…' });
    expect(list.stdout + added.stdout).not.toContain('token-canary-123');
    expect(g.kernel.use(cronServiceRef).get('standup')!.input.deliver).toEqual({ webhook: 'http://127.0.0.1:9/hook/token-canary-123' });

    const run = await g.cli('run', 'declared');
    expect(run.stdout).toMatch(/^started declared/);
    const cron = g.kernel.use(cronServiceRef);
    await waitUntil(() => cron.get('declared')?.state.runCount === 1);
    expect(g.fake.requests.length).toBe(1);

    const refused = await g.cli('remove', 'declared');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('declared in the config');

    const removed = await g.cli('remove', 'standup');
    expect(removed.stdout).toBe('removed standup\n');
    expect(cron.list().map((j) => j.id)).toEqual(['declared']);
  });

  it('a bad job is refused with the field named', async () => {
    const g = await gatewayWithCron();
    const bad = await g.cli('add', '--id', 'x', '--every', '5m', '--tz', 'Mars/Olympus', '-m', 'hi');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('job.tz "Mars/Olympus" is not an IANA timezone');
    const two = await g.cli('add', '--id', 'y', '--every', '5m', '--cron', '* * * * *', '-m', 'hi');
    expect(two.stderr).toContain('needs exactly one of at, every, cron (got every, cron)');
  });

  it('writes need the admin scope; cron.list is read', async () => {
    const g = await gatewayWithCron();
    const registry = methodRegistry(g.kernel.hooks);
    expect(['cron.list', 'cron.add', 'cron.update', 'cron.remove', 'cron.run'].map((m) => registry.get(m)?.scope)).toEqual(['read', 'admin', 'admin', 'admin', 'admin']);
    const client = await connectClient(g.url);
    const updated = await client.request('cron.add', { job: { id: 'u', every: '1h', message: 'a' } });
    expect(updated.ok).toBe(true);
    const patched = await client.request('cron.update', { id: 'u', patch: { cron: '*/5 * * * *', enabled: false } });
    expect(patched.ok).toBe(true);
    expect(patched.payload.job.input).toEqual({ id: 'u', cron: '*/5 * * * *', message: 'a', enabled: false });
    expect(patched.payload.job.state.nextRunAt).toBeUndefined();
  });
});
