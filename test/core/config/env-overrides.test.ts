import { describe, expect, it } from 'vitest';
import { applyEnvOverrides } from '../../../core/config/env-overrides.ts';
import { isMoltbotError, type MoltbotError } from '../../../core/errors.ts';

const CANARY = 'canary-secret-7f3a9c';

function thrown(fn: () => unknown): MoltbotError {
  try {
    fn();
  } catch (error) {
    if (isMoltbotError(error)) return error;
    throw error;
  }
  throw new Error('expected a MoltbotError');
}

describe('applyEnvOverrides', () => {
  it('maps every documented variable to its config key', () => {
    const { config, applied } = applyEnvOverrides({}, {
      CLAWDBOT_GATEWAY_PORT: '18790',
      CLAWDBOT_GATEWAY_PASSWORD: 'pw-from-env',
      CLAWDBOT_GATEWAY_TOKEN: 'token-from-env',
      CLAWDBOT_AGENT_MODEL: 'openai/gpt-4o',
    });
    expect(config).toEqual({
      gateway: { port: 18790, auth: { password: 'pw-from-env', token: 'token-from-env' } },
      agent: { model: 'openai/gpt-4o' },
    });
    expect(applied).toEqual([
      { variable: 'CLAWDBOT_GATEWAY_PORT', path: 'gateway.port' },
      { variable: 'CLAWDBOT_GATEWAY_PASSWORD', path: 'gateway.auth.password' },
      { variable: 'CLAWDBOT_GATEWAY_TOKEN', path: 'gateway.auth.token' },
      { variable: 'CLAWDBOT_AGENT_MODEL', path: 'agent.model' },
    ]);
  });

  it('lets MOLTBOT_* win over CLAWDBOT_*', () => {
    const { config, applied } = applyEnvOverrides({}, {
      CLAWDBOT_GATEWAY_PORT: '1111', MOLTBOT_GATEWAY_PORT: '2222',
      CLAWDBOT_GATEWAY_PASSWORD: 'old', MOLTBOT_GATEWAY_PASSWORD: 'new',
      CLAWDBOT_GATEWAY_TOKEN: 'old-token', MOLTBOT_GATEWAY_TOKEN: 'new-token',
      CLAWDBOT_AGENT_MODEL: 'old/model', MOLTBOT_AGENT_MODEL: 'new/model',
    });
    expect(config).toEqual({ gateway: { port: 2222, auth: { password: 'new', token: 'new-token' } }, agent: { model: 'new/model' } });
    expect(applied.map((entry) => entry.variable)).toEqual([
      'MOLTBOT_GATEWAY_PORT', 'MOLTBOT_GATEWAY_PASSWORD', 'MOLTBOT_GATEWAY_TOKEN', 'MOLTBOT_AGENT_MODEL',
    ]);
  });

  it('overrides config values and keeps their siblings, without touching the input', () => {
    const input = { gateway: { port: 18789, bind: 'loopback', auth: { mode: 'password', password: 'from-file' } } };
    const { config } = applyEnvOverrides(input, { CLAWDBOT_GATEWAY_PASSWORD: 'from-env' });
    expect(config).toEqual({ gateway: { port: 18789, bind: 'loopback', auth: { mode: 'password', password: 'from-env' } } });
    expect(input.gateway.auth.password).toBe('from-file');
  });

  it('ignores empty variables, so an empty MOLTBOT_* falls back to CLAWDBOT_*', () => {
    const { config, applied } = applyEnvOverrides({ gateway: { auth: { password: 'from-file' } } }, {
      MOLTBOT_GATEWAY_PASSWORD: '', CLAWDBOT_AGENT_MODEL: '', MOLTBOT_AGENT_MODEL: '', CLAWDBOT_GATEWAY_PORT: '9000', MOLTBOT_GATEWAY_PORT: '',
    });
    expect(config).toEqual({ gateway: { port: 9000, auth: { password: 'from-file' } } });
    expect(applied).toEqual([{ variable: 'CLAWDBOT_GATEWAY_PORT', path: 'gateway.port' }]);
  });

  it('returns no overrides and an equal copy when no variable is set', () => {
    const input = { agent: { model: 'a/b' } };
    const { config, applied } = applyEnvOverrides(input, { HOME: '/home/ada' });
    expect(config).toEqual(input);
    expect(config).not.toBe(input);
    expect(applied).toEqual([]);
  });

  it('never reports values, only variable names and paths', () => {
    const { applied } = applyEnvOverrides({}, { MOLTBOT_GATEWAY_PASSWORD: CANARY, MOLTBOT_GATEWAY_TOKEN: CANARY });
    expect(JSON.stringify(applied)).not.toContain(CANARY);
  });

  it.each(['abc', '0', '65536', '80.5', '-1', ' 80', '1e3', '0x50', '999999'])('rejects port %j and names the variable', (raw) => {
    const error = thrown(() => applyEnvOverrides({}, { CLAWDBOT_GATEWAY_PORT: raw }));
    expect(error.code).toBe('MOLT_ERR_CONFIG_INVALID');
    expect(error.message).toContain('CLAWDBOT_GATEWAY_PORT');
    expect(error.path).toBe('gateway.port');
    expect(error.data).toEqual({ variable: 'CLAWDBOT_GATEWAY_PORT' });
  });

  it.each([['1', 1], ['18789', 18789], ['65535', 65535], ['080', 80]])('accepts port %j', (raw, port) => {
    expect(applyEnvOverrides({}, { MOLTBOT_GATEWAY_PORT: raw }).config).toEqual({ gateway: { port } });
  });

  it('words the invalid-port error', () => {
    expect(thrown(() => applyEnvOverrides({}, { MOLTBOT_GATEWAY_PORT: 'abc' })).describe()).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_INVALID: MOLTBOT_GATEWAY_PORT must be an integer from 1 to 65535 (got "abc"); it overrides gateway.port
        at path gateway.port
        fix: Set MOLTBOT_GATEWAY_PORT to a port number such as 18789, or unset it to use the config file's gateway.port."
    `);
  });

  it('refuses to replace a non-object on the way to the key', () => {
    const error = thrown(() => applyEnvOverrides({ gateway: { auth: 'password' } }, { CLAWDBOT_GATEWAY_PASSWORD: CANARY }));
    expect(error.describe()).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_INVALID: CLAWDBOT_GATEWAY_PASSWORD cannot be applied: gateway.auth in the config is not an object
        at path gateway.auth
        fix: Make gateway.auth an object in the config file, or unset CLAWDBOT_GATEWAY_PASSWORD."
    `);
    expect(error.describe()).not.toContain(CANARY);
  });
});
