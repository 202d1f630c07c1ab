/**
 * An alert sink published outside this repository (it imports only `moltbot/plugin-sdk/alerts`
 * and `moltbot/plugin-sdk/core`) is selected by `alerts.sinks` exactly like the first-party
 * sinks: listed → it receives alerts; not listed → it receives none; and a name in
 * `alerts.sinks` that no loaded plugin serves is a config error naming the path and the fix.
 */
import { describe, expect, it } from 'vitest';
import { alertsServiceRef, tapAlertSink, type Alert } from 'moltbot/plugin-sdk/alerts';
import { definePlugin } from 'moltbot/plugin-sdk/core';
import { createTestKernel } from '../../../app/testing.ts';

function pagerSink() {
  const received: Alert[] = [];
  const plugin = definePlugin({
    name: 'alert-pager',
    version: '1.0.0',
    setup(ctx) {
      tapAlertSink(ctx, 'pager', (alert) => void received.push(alert));
    },
  });
  return { plugin, received };
}

const raise = { id: 'backup.failed', severity: 'critical', message: 'nightly backup failed' } as const;

describe('a third-party alert sink honours alerts.sinks', () => {
  it('listed: it receives every alert event', async () => {
    const { plugin, received } = pagerSink();
    const kernel = await createTestKernel({ config: { alerts: { sinks: ['pager'] }, plugins: ['alerts'] }, plugins: [plugin] });
    await kernel.use(alertsServiceRef).raise(raise);
    await kernel.use(alertsServiceRef).resolve(raise.id);
    expect(received.map((alert) => `${alert.id}:${alert.state}`)).toEqual(['backup.failed:firing', 'backup.failed:resolved']);
  });

  it('not listed (other sinks are): it receives none, and the listed first-party sink still works', async () => {
    const { plugin, received } = pagerSink();
    const kernel = await createTestKernel({ config: { alerts: { sinks: ['file'] }, plugins: ['alerts'] }, plugins: [plugin] });
    expect(kernel.plugins().find((info) => info.name === 'alert-file')?.status).toBe('set-up');
    expect(await kernel.use(alertsServiceRef).raise(raise)).toMatchObject({ state: 'firing' });
    expect(received).toEqual([]);
    expect(kernel.logs.some((line) => line.msg === 'alert sink not listed in alerts.sinks; it stays idle' && line.sink === 'pager')).toBe(true);
  });

  it('no alerts.sinks: every sink serves, third-party ones included', async () => {
    const { plugin, received } = pagerSink();
    const kernel = await createTestKernel({ config: { plugins: ['alerts'] }, plugins: [plugin] });
    await kernel.use(alertsServiceRef).raise(raise);
    expect(received).toHaveLength(1);
  });

  it('a sink name no loaded plugin serves is a config error naming the path and the fix', async () => {
    const { plugin } = pagerSink();
    const start = createTestKernel({ config: { alerts: { sinks: ['pager', 'pagerduty'] }, plugins: ['alerts'] }, plugins: [plugin] });
    await expect(start).rejects.toMatchObject({
      code: 'MOLT_ERR_CONFIG_INVALID',
      path: 'alerts.sinks[1]',
      message: 'alerts.sinks[1] names alert sink "pagerduty", which no loaded plugin provides (provided: pager)',
      fix: expect.stringContaining('Add the plugin that provides alert sink "pagerduty" to `plugins`'),
    });
  });

  it('the error holds without any sink plugin loaded (the alerts plugin checks too), and `kernel.check()` reports it', async () => {
    const kernel = await createTestKernel({ config: { alerts: { sinks: ['pagerduty'] }, plugins: ['alerts'] }, start: false });
    await expect(kernel.check()).rejects.toMatchObject({ code: 'MOLT_ERR_CONFIG_INVALID', path: 'alerts.sinks[0]', message: expect.stringContaining('no alert sink plugin is loaded') });
  });

  it('two plugins serving one sink name is an error naming both', async () => {
    const first = pagerSink().plugin;
    const second = definePlugin({ name: 'alert-pager-2', version: '1.0.0', setup: (ctx) => tapAlertSink(ctx, 'pager', () => undefined) });
    await expect(createTestKernel({ config: { plugins: ['alerts'] }, plugins: [first, second] })).rejects.toThrow(/Alert sink "pager" is served by both "alert-pager" and "alert-pager-2"/);
  });
});
