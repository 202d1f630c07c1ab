/**
 * RPC for everyone: a plugin that imports only moltbot/plugin-sdk/{core,gateway} declares
 * methods that real WebSocket clients see in hello-ok by scope, call, get schema errors from
 * naming the param, and get the plugin's own error codes from.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { openClient, PASSWORD, startGateway, type TestClient } from '../../plugins/gateway/helpers.ts';
import weather from './fixtures/weather-plugin.ts';

async function connectWith(url: string, scopes: string[]): Promise<{ client: TestClient; methods: string[] }> {
  const client = openClient(url);
  const hello = await client.connect({ password: PASSWORD }, { scopes });
  expect(hello.ok).toBe(true);
  expect(hello.payload.scopes).toEqual(scopes.includes('write') ? ['read', 'write'] : ['read']);
  return { client, methods: hello.payload.methods as string[] };
}

describe('a third-party method through the SDK', () => {
  it('is listed for and callable by a read client, which neither sees nor may call the write method', async () => {
    const { url, service } = await startGateway({ extra: [weather] });
    const reader = await connectWith(url, ['read']);
    expect(reader.methods).toContain('weather.get');
    expect(reader.methods).not.toContain('weather.set');
    expect((await reader.client.request('weather.get', { city: 'Oslo' })).payload).toEqual({ city: 'Oslo', sky: 'snow', temp: -3, units: 'C' });
    const refused = await reader.client.request('weather.set', { city: 'Oslo', tempC: 30 });
    expect(refused.error).toMatchObject({ code: 'FORBIDDEN', details: { requiredScope: 'write' } });

    const writer = await connectWith(url, ['read', 'write']);
    expect(writer.methods).toEqual(expect.arrayContaining(['weather.get', 'weather.set']));
    expect((await writer.client.request('weather.set', { city: 'Bergen', tempC: 9 })).ok).toBe(true);
    expect(service.methods().find((method) => method.name === 'weather.get')).toMatchObject({ plugin: 'weather', scope: 'read', errors: ['WEATHER_ERR_CITY_UNKNOWN'] });
  });

  it('rejects bad params with INVALID_REQUEST naming the param path, before the handler runs', async () => {
    const { url } = await startGateway({ extra: [weather] });
    const { client } = await connectWith(url, ['read']);
    expect((await client.request('weather.get', {})).error).toEqual({ code: 'INVALID_REQUEST', message: '/params/city is required' });
    expect((await client.request('weather.get', { city: 'Oslo', units: 'K' })).error).toEqual({ code: 'INVALID_REQUEST', message: '/params/units must be one of "C", "F"' });
    expect((await client.request('weather.get', { city: 42 })).error).toEqual({ code: 'INVALID_REQUEST', message: '/params/city must be string' });
  });

  it('answers with the plugin\'s own error code (defineErrors), its fix in details', async () => {
    const { url } = await startGateway({ extra: [weather] });
    const { client } = await connectWith(url, ['read']);
    expect((await client.request('weather.get', { city: 'Atlantis' })).error).toEqual({
      code: 'WEATHER_ERR_CITY_UNKNOWN',
      message: 'no forecast for "Atlantis"',
      details: { fix: 'Ask for one of the cities `weather.cities` lists.', plugin: 'weather' },
    });
  });
});

describe('a third-party CLI command through the SDK gateway client', () => {
  it('calls the running gateway with the configured credential and shows the plugin\'s error code', async () => {
    const { port } = await startGateway({ extra: [weather] });
    const { dir } = useTempDir();
    const plugin = fileURLToPath(new URL('./fixtures/weather-plugin.ts', import.meta.url));
    writeFileSync(join(dir, 'moltbot.config.json'), JSON.stringify({ preset: 'none', plugins: [plugin], gateway: { port, auth: { mode: 'password', password: '${GW_PW}' } } }));
    const ok = await runCliCaptured(['weather', 'Lisbon'], { cwd: dir, env: { GW_PW: PASSWORD } });
    expect(ok).toEqual({ code: 0, stdout: 'Lisbon: sun, 18 °C\n', stderr: '' });
    const unknown = await runCliCaptured(['weather', 'Atlantis'], { cwd: dir, env: { GW_PW: PASSWORD } });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('WEATHER_ERR_CITY_UNKNOWN: gateway refused weather.get: WEATHER_ERR_CITY_UNKNOWN no forecast for "Atlantis"');
  });
});
