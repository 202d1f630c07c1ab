/**
 * A full disk, for real: a `moltbot gateway` process whose state dir is on a 2 MiB tmpfs with
 * about 40 KiB free. A message too large for the space left is refused with
 * MOLT_ERR_STORE_NO_SPACE (never acknowledged), the transcript is cut back to its last good
 * length, and once space is freed the next acknowledged message survives a restart. A reply
 * that cannot be stored ends its run with the same code in chat.final.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../helpers/fake-provider.ts';
import { startGatewayProcess, writeConfig, type GatewayProcess } from '../../helpers/gateway-process.ts';
import { transcriptName } from '../../../plugins/session-store-file/file-names.ts';
import { mountTmpfs, type Tmpfs } from '../../helpers/tmpfs.ts';
import { chat, waitFor } from '../agent/harness.ts';
import { connectClient } from '../gateway/helpers.ts';

const PASSWORD = 'disk-full-test-password-0123';
const mounted = mountTmpfs(2 * 1024 * 1024);
const tmpfs = 'unavailable' in mounted ? undefined : mounted;
if (tmpfs === undefined) console.warn(`disk-full test skipped: ${(mounted as { unavailable: string }).unavailable}`);

describe('session store on a full disk (real tmpfs, real gateway process)', { timeout: 60_000 }, () => {
  let fake: FakeProvider;
  const gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    fake = await startFakeProvider();
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop('SIGKILL')));
    await fake?.close();
    tmpfs?.unmount();
  });

  it.skipIf(tmpfs === undefined)('a message that does not fit is refused, nothing is torn, and the next acknowledged message survives a restart', async () => {
    const fs = tmpfs as Tmpfs;
    writeConfig(fs.dir, {
      agent: { model: 'fake/m' },
      providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-key' } },
      gateway: { auth: { mode: 'password', password: PASSWORD } },
    });
    const boot = async () => {
      const gateway = await startGatewayProcess(fs.dir, 'a');
      gateways.push(gateway);
      return gateway;
    };
    let gateway = await boot();
    let client = await connectClient(gateway.url, { password: PASSWORD });
    const before = await chat(client, 'acknowledged before the disk filled');
    expect(before.final.payload.status).toBe('ok');
    const transcript = join(fs.dir, 'state-a', 'state', 'agents', 'main', 'sessions', transcriptName('agent:main:main'));
    const good = readFileSync(transcript);

    fs.fillTo(40 * 1024);
    const big = await client.request('chat.send', { message: `big ${'x'.repeat(150_000)}` });
    expect(big.ok).toBe(false);
    expect(big.error).toMatchObject({ code: 'PLUGIN_ERROR', details: { code: 'MOLT_ERR_STORE_NO_SPACE' } });
    expect(big.error?.message).toMatch(/no space left/i);
    expect(big.error?.message).toMatch(/free disk space/i);
    // Cut back to the last good length: what was there is intact, no part of the refused message
    // stays for the next append to glue onto (the failed run's trace line may follow, whole).
    const now = readFileSync(transcript);
    expect(now.subarray(0, good.length).equals(good)).toBe(true);
    const added = now.subarray(good.length).toString('utf8');
    expect(added).not.toContain('big xxx');
    expect(added === '' || added.endsWith('\n')).toBe(true);
    for (const line of added.split('\n').filter(Boolean)) expect(JSON.parse(line)).toMatchObject({ kind: 'trace' });

    fs.release();
    const after = await chat(client, 'acknowledged after space was freed');
    expect(after.response.ok).toBe(true);
    expect(after.final.payload.status).toBe('ok');
    client.ws.close();
    expect(await gateway.stop('SIGTERM')).toBe(0);

    gateway = await boot();
    client = await connectClient(gateway.url, { password: PASSWORD });
    const history = await client.request('chat.history', {});
    const contents = (history.payload.messages as { content: string }[]).map((m) => m.content);
    expect(contents).toEqual([
      'acknowledged before the disk filled', 'echo: acknowledged before the disk filled',
      'acknowledged after space was freed', 'echo: acknowledged after space was freed',
    ]);

    // The disk fills during a run: the acknowledged message stays, the reply that cannot be
    // stored ends the run with the clear code (not INTERNAL) and leaves no torn line.
    fake.script({ text: `reply ${'r'.repeat(64 * 1024)}`, delayMs: 1000 });
    const ack = await client.request('chat.send', { message: 'acknowledged, then the disk filled' });
    expect(ack.ok).toBe(true);
    fs.fillTo(8 * 1024);
    const final = await waitFor(client, (f) => f.event === 'chat.final' && f.payload.runId === ack.payload.runId, 10_000);
    expect(final.payload).toMatchObject({ status: 'error', error: { code: 'MOLT_ERR_STORE_NO_SPACE' } });
    fs.release();
    const lines = readFileSync(transcript, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    const stored = lines.map((line) => JSON.parse(line) as { content?: string });
    expect(stored.some((e) => e.content === 'acknowledged, then the disk filled')).toBe(true);
    expect(stored.some((e) => e.content?.startsWith('reply '))).toBe(false);
    client.ws.close();
  });
});
