/** `moltbot security audit` findings of the HTTP channels, collected through the real audit hook. */
import { describe, expect, it } from 'vitest';
import type { Check } from '../../../core/hook-types.ts';
import type { TestKernel } from '../../../app/testing.ts';
import { plainRemoteHttp } from '../../../sdk/channels/audit.ts';
import { PASSWORD } from '../../plugins/gateway/helpers.ts';
import { startWebhook } from '../../plugins/channel-webhook/harness.ts';
import { startWhatsApp } from '../../plugins/channel-whatsapp/harness.ts';

async function findings(kernel: TestKernel): Promise<Check[]> {
  const checks: Check[] = [];
  await kernel.hooks.audit.promise({ add: (check) => void checks.push(check) });
  return checks.filter((check) => check.id.startsWith('channels.webhook.') || check.id.startsWith('channels.whatsapp.'));
}

describe('HTTP channel audit findings', () => {
  it('flags a webhook secret that is the gateway password, and a plain-HTTP callback to another host', async () => {
    const h = await startWebhook({ secret: PASSWORD, callbackUrl: 'http://192.0.2.10/hook' });
    const checks = await findings(h.kernel);
    expect(checks.map((c) => [c.id, c.severity])).toEqual([
      ['channels.webhook.secret.reuses_gateway_secret', 'critical'],
      ['channels.webhook.callbackUrl.plain_http', 'warning'],
    ]);
    expect(JSON.stringify(checks)).not.toContain(PASSWORD);
  });

  it('flags a WhatsApp verify token reused as the gateway password; a loopback API URL is fine', async () => {
    const h = await startWhatsApp({ verifyToken: PASSWORD });
    expect((await findings(h.kernel)).map((c) => c.id)).toEqual(['channels.whatsapp.verifyToken.reuses_gateway_secret']);
  });

  it('finds nothing in a sound config', async () => {
    const h = await startWebhook();
    expect(await findings(h.kernel)).toEqual([]);
  });

  it.each([
    ['http://127.0.0.1:8080/x', false],
    ['http://localhost/x', false],
    ['http://[::1]:9/x', false],
    ['https://example.com/x', false],
    ['http://example.com/x', true],
    ['http://10.0.0.2/x', true],
  ])('plain remote HTTP: %s → %s', (url, expected) => {
    expect(plainRemoteHttp(url)).toBe(expected);
  });
});
