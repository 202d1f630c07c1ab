import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Alert } from 'moltbot/plugin-sdk/core';
import { createTestKernel } from 'moltbot/testing';
import plugin from './index.ts';
import schema from './schema.json' with { type: 'json' };

/** A real local webhook that records every body it receives. */
async function webhook(status = 204) {
  const bodies: Record<string, unknown>[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let text = '';
    request.on('data', (chunk) => { text += chunk; });
    request.on('end', () => {
      bodies.push(JSON.parse(text) as Record<string, unknown>);
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?token=canary-secret`, bodies };
}

const alert = (severity: Alert['severity'], id = 'disk-full'): Alert => ({
  id, severity, source: 'diagnostics', message: 'disk 97% full', state: 'firing', at: Date.UTC(2026, 0, 1),
});

describe('__NAME__', () => {
  it('posts alerts at or above minSeverity to the webhook', async () => {
    const hook = await webhook();
    const kernel = await createTestKernel({ plugins: [[plugin, { url: hook.url, minSeverity: 'warning' }]] });
    await kernel.hooks.alert.promise(alert('info', 'cpu-busy'));
    await kernel.hooks.alert.promise(alert('critical'));
    expect(hook.bodies).toEqual([{
      id: 'disk-full', severity: 'critical', state: 'firing', source: 'diagnostics',
      text: '[critical] diagnostics: disk 97% full', at: '2026-01-01T00:00:00.000Z',
    }]);
  });

  it('logs a refused delivery without the URL and without failing the alert', async () => {
    const hook = await webhook(500);
    const kernel = await createTestKernel({ plugins: [[plugin, { url: hook.url }]] });
    await kernel.hooks.alert.promise(alert('critical'));
    const warning = kernel.logs.find((line) => line.msg === 'webhook refused the alert');
    expect(warning).toMatchObject({ plugin: '__NAME__', status: 500 });
    expect(JSON.stringify(kernel.logs)).not.toContain('canary-secret');
  });

  it('stays idle when alerts.sinks leaves it out, and serves when it is listed', async () => {
    const hook = await webhook();
    const idle = await createTestKernel({ config: { alerts: { sinks: ['console'] } }, plugins: ['alert-console', [plugin, { url: hook.url }]] });
    await idle.hooks.alert.promise(alert('critical'));
    expect(hook.bodies).toEqual([]);
    const listed = await createTestKernel({ config: { alerts: { sinks: ['__NAME__'] } }, plugins: [[plugin, { url: hook.url }]] });
    await listed.hooks.alert.promise(alert('critical'));
    expect(hook.bodies).toHaveLength(1);
  });

  it('requires a url', async () => {
    await expect(createTestKernel({ plugins: [plugin] })).rejects.toThrow(/url/);
  });

  it('documents the same defaults in schema.json as in the code', () => {
    const documented = Object.fromEntries(Object.entries(schema.properties)
      .flatMap(([key, property]) => ('default' in property ? [[key, property.default]] : [])));
    expect(documented).toEqual(plugin.defaults);
  });
});
