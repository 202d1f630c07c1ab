import { chmodSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestKernel } from '../../../app/testing.ts';
import { IMPLIED_PLUGINS } from '../../../app/catalogue.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { gatewayServiceRef } from '../../../sdk/gateway/index.ts';

const PASSWORD = 'tailscale-test-password-0123456789';
let record: string;
let previousPath: string | undefined;

/** A fake `tailscale` first on PATH: appends its arguments to a file, exits $FAKE_TAILSCALE_EXIT. */
beforeEach(() => {
  const { dir } = useTempDir('moltbot-tailscale-');
  record = join(dir, 'calls.txt');
  writeFileSync(join(dir, 'tailscale'), `#!/bin/sh\necho "$*" >> "${record}"\nif [ -n "$FAKE_TAILSCALE_EXIT" ]; then echo "not logged in" >&2; exit "$FAKE_TAILSCALE_EXIT"; fi\n`);
  chmodSync(join(dir, 'tailscale'), 0o755);
  previousPath = process.env.PATH;
  process.env.PATH = `${dir}:${process.env.PATH}`;
});
afterEach(() => {
  process.env.PATH = previousPath;
  delete process.env.FAKE_TAILSCALE_EXIT;
});

async function kernelWith(tailscale: Record<string, unknown>, auth: Record<string, unknown> = { mode: 'password', password: PASSWORD }) {
  const kernel = await createTestKernel({
    config: { gateway: { bind: 'loopback', auth, tailscale }, plugins: ['rate-limit', 'auth-password', 'auth-token', 'gateway', 'tailscale'] },
    start: false,
  });
  await kernel.load();
  kernel.use(gatewayServiceRef).listenOn({ port: 0 });
  return kernel;
}

const calls = () => (existsSync(record) ? readFileSync(record, 'utf8').trim().split('\n') : []);

describe('tailscale plugin', () => {
  it('serve: runs `tailscale serve --bg <port>` once the gateway listens, and resets on close', async () => {
    const kernel = await kernelWith({ mode: 'serve' });
    await kernel.start();
    const port = kernel.use(gatewayServiceRef).address()!.port;
    expect(calls()).toEqual([`serve --bg ${port}`]);
    await kernel.close();
    expect(calls()).toEqual([`serve --bg ${port}`, 'serve reset']);
  });

  it('funnel with password auth runs `tailscale funnel`; resetOnExit false leaves it', async () => {
    const kernel = await kernelWith({ mode: 'funnel', resetOnExit: false });
    await kernel.start();
    const port = kernel.use(gatewayServiceRef).address()!.port;
    await kernel.close();
    expect(calls()).toEqual([`funnel --bg ${port}`]);
  });

  it('refuses funnel without password auth, in check() (config validate, doctor) and start, before running anything', async () => {
    const refusal = {
      code: 'MOLT_ERR_CONFIG_INVALID', path: 'gateway.tailscale.mode', plugin: 'tailscale',
      message: 'gateway.tailscale.mode is "funnel" (public internet) but gateway.auth.mode is "token"',
    };
    const kernel = await kernelWith({ mode: 'funnel' }, { mode: 'token' });
    await expect(kernel.check()).rejects.toMatchObject(refusal);
    await expect(kernel.start()).rejects.toMatchObject(refusal);
    expect(kernel.use(gatewayServiceRef).address()).toBeUndefined();
    expect(calls()).toEqual([]);
  });

  it('gateway.tailscale.mode alone loads the plugin (it is never silently ignored)', async () => {
    const kernel = await createTestKernel({
      config: { gateway: { auth: { mode: 'token' }, tailscale: { mode: 'funnel' } }, plugins: ['rate-limit', 'auth-token', 'gateway'] },
      start: false,
      impliedPlugins: IMPLIED_PLUGINS,
    });
    await expect(kernel.check()).rejects.toMatchObject({ path: 'gateway.tailscale.mode', plugin: 'tailscale' });
  });

  it('off runs nothing', async () => {
    const kernel = await kernelWith({ mode: 'off' });
    await kernel.start();
    await kernel.close();
    expect(calls()).toEqual([]);
  });

  it('fails the start naming the command when tailscale fails, without leaking the password', async () => {
    process.env.FAKE_TAILSCALE_EXIT = '1';
    const kernel = await kernelWith({ mode: 'serve' });
    const error = await kernel.start().then(() => undefined, (e: unknown) => e);
    expect(String((error as Error).message) + JSON.stringify(error)).not.toContain(PASSWORD);
    const text = (error as { describe?: () => string }).describe?.() ?? String(error);
    expect(text).toContain('`tailscale serve --bg');
    expect(text).toContain('exited 1: not logged in');
  });
});
