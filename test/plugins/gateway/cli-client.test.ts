import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callGateway, cliCredential, gatewayUrl } from '../../../plugins/gateway/cli-client.ts';
import { PASSWORD, startGateway } from './helpers.ts';

describe('gateway CLI client', () => {
  it('calls a method with the configured password', async () => {
    const { kernel, url } = await startGateway();
    const stateDir = join(kernel.tempDir, 'state');
    const fromConfig = await cliCredential(kernel.config, stateDir);
    expect(fromConfig).toEqual({ password: PASSWORD });
    expect(await callGateway(url, fromConfig, 'ping')).toBeDefined();
  });

  it('with no secret configured, uses the token the gateway generated in the state dir', async () => {
    const { kernel, url } = await startGateway({ gateway: { auth: { mode: 'password' } } });
    const credential = await cliCredential(kernel.config, join(kernel.tempDir, 'state'));
    expect(Object.keys(credential)).toEqual(['token']);
    expect(await callGateway(url, credential, 'ping')).toBeDefined();
  });

  it('rejects with the gateway error code and never echoes the credential', async () => {
    const { url } = await startGateway();
    const error = await callGateway(url, { password: 'wrong-secret-canary-1234' }, 'ping').catch((e: Error & { code?: string }) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as { code?: string }).code).toMatch(/^[A-Z_]+$/);
    expect((error as Error).message).not.toContain('wrong-secret-canary-1234');
  });

  it('derives the URL from gateway.port, bind and ssl', () => {
    expect(gatewayUrl({})).toBe('ws://127.0.0.1:18789/');
    expect(gatewayUrl({ gateway: { port: 1234, ssl: { enabled: true }, bind: 'custom', customBindHost: '::1' } })).toBe('wss://[::1]:1234/');
  });
});
