import { describe, expect, it } from 'vitest';
import { substituteEnvVars } from '../../../core/config/substitute.ts';
import { isMoltbotError, type MoltbotError } from '../../../core/errors.ts';

const CANARY = 'canary-secret-5b1e2d';

function thrown(fn: () => unknown): MoltbotError {
  try {
    fn();
  } catch (error) {
    if (isMoltbotError(error)) return error;
    throw error;
  }
  throw new Error('expected a MoltbotError');
}

describe('substituteEnvVars', () => {
  it('replaces references in every string of nested objects and arrays, and reports the paths', () => {
    const config = {
      providers: { anthropic: { apiKey: '${ANTHROPIC_API_KEY}' }, openai: { baseURL: 'https://api.openai.com/v1' } },
      gateway: { port: 18789, auth: { password: '${GW_PASS}' } },
      plugins: [['cache-redis', { url: 'redis://${REDIS_HOST}:6379/${REDIS_DB}' }]],
      agent: { fallbacks: ['${FALLBACK_MODEL}', 'openai/gpt-4o'] },
    };
    const { value, substitutedPaths } = substituteEnvVars(config, {
      ANTHROPIC_API_KEY: 'sk-ant-1', GW_PASS: 'pw', REDIS_HOST: '10.0.0.5', REDIS_DB: '2', FALLBACK_MODEL: 'ollama/llama3',
    }, '/srv/moltbot.config.json');
    expect(value).toEqual({
      providers: { anthropic: { apiKey: 'sk-ant-1' }, openai: { baseURL: 'https://api.openai.com/v1' } },
      gateway: { port: 18789, auth: { password: 'pw' } },
      plugins: [['cache-redis', { url: 'redis://10.0.0.5:6379/2' }]],
      agent: { fallbacks: ['ollama/llama3', 'openai/gpt-4o'] },
    });
    expect([...substitutedPaths].sort()).toEqual([
      'agent.fallbacks[0]', 'gateway.auth.password', 'plugins[0][1].url', 'providers.anthropic.apiKey',
    ]);
    expect(config.providers.anthropic.apiKey).toBe('${ANTHROPIC_API_KEY}');
  });

  it('turns $${VAR} into a literal ${VAR} without reading the variable', () => {
    const { value, substitutedPaths } = substituteEnvVars({ template: 'echo $${HOME} and ${USER_NAME}', only: '$${UNSET_VAR}' }, { USER_NAME: 'ada' });
    expect(value).toEqual({ template: 'echo ${HOME} and ada', only: '${UNSET_VAR}' });
    expect([...substitutedPaths]).toEqual(['template']);
  });

  it('leaves text that is not an upper-case reference alone', () => {
    const config = { a: '${lower_case}', b: '$HOME', c: '${}', d: '${1ABC}', e: 'cost: $5', f: '${ NAME }' };
    const { value, substitutedPaths } = substituteEnvVars(config, {});
    expect(value).toEqual(config);
    expect(substitutedPaths.size).toBe(0);
  });

  it('does not substitute keys, numbers or booleans', () => {
    const { value } = substituteEnvVars({ '${KEY}': 1, flag: true, n: null }, { KEY: 'x' });
    expect(value).toEqual({ '${KEY}': 1, flag: true, n: null });
  });

  it('names variable, path and file when a variable is unset', () => {
    const error = thrown(() => substituteEnvVars({ providers: { anthropic: { apiKey: '${ANTHROPIC_API_KEY}' } } }, {}, '/srv/moltbot.config.json'));
    expect(error.code).toBe('MOLT_ERR_CONFIG_ENV_MISSING');
    expect(error.path).toBe('providers.anthropic.apiKey');
    expect(error.file).toBe('/srv/moltbot.config.json');
    expect(error.data).toEqual({ variable: 'ANTHROPIC_API_KEY' });
    expect(error.describe()).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_ENV_MISSING: Environment variable ANTHROPIC_API_KEY is not set (referenced as \${ANTHROPIC_API_KEY} at providers.anthropic.apiKey in /srv/moltbot.config.json)
        at file /srv/moltbot.config.json, path providers.anthropic.apiKey
        fix: Export ANTHROPIC_API_KEY before starting, or write $\${ANTHROPIC_API_KEY} for a literal "\${ANTHROPIC_API_KEY}"."
    `);
  });

  it('treats an empty variable as an error, never as an empty string', () => {
    const error = thrown(() => substituteEnvVars({ channels: { telegram: { botToken: 'bot${TELEGRAM_BOT_TOKEN}' } } }, { TELEGRAM_BOT_TOKEN: '' }, 'clawdbot.json'));
    expect(error.code).toBe('MOLT_ERR_CONFIG_ENV_MISSING');
    expect(error.describe()).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_ENV_MISSING: Environment variable TELEGRAM_BOT_TOKEN is empty (referenced as \${TELEGRAM_BOT_TOKEN} at channels.telegram.botToken in clawdbot.json)
        at file clawdbot.json, path channels.telegram.botToken
        fix: Give TELEGRAM_BOT_TOKEN a value before starting; an empty value is never substituted. Write $\${TELEGRAM_BOT_TOKEN} for a literal "\${TELEGRAM_BOT_TOKEN}"."
    `);
  });

  it('names array positions and odd keys in the path', () => {
    const error = thrown(() => substituteEnvVars({ plugins: [['alert-webhook', { headers: { 'X Api Key': '${WEBHOOK_KEY}' } }]] }, {}));
    expect(error.path).toBe('plugins[0][1].headers["X Api Key"]');
    expect(error.file).toBeUndefined();
    expect(error.message).toBe('Environment variable WEBHOOK_KEY is not set (referenced as ${WEBHOOK_KEY} at plugins[0][1].headers["X Api Key"])');
  });

  it('never puts other variables\' values into the error', () => {
    const error = thrown(() => substituteEnvVars({ a: '${PRESENT}', b: '${ABSENT}' }, { PRESENT: CANARY }, 'f.json'));
    expect(error.describe()).not.toContain(CANARY);
    expect(JSON.stringify(error.data)).not.toContain(CANARY);
  });

  it('keeps plugin objects (code) by reference and does not look inside them', () => {
    const plugin = { name: 'inline', version: '1.0.0', description: 'uses ${NOT_A_REFERENCE}', setup() {} };
    const { value } = substituteEnvVars({ plugins: [plugin, ['cache-redis', { url: '${REDIS_URL}' }]] }, { REDIS_URL: 'redis://r' });
    expect(value.plugins[0]).toBe(plugin);
    expect(value.plugins[1]).toEqual(['cache-redis', { url: 'redis://r' }]);
  });

  it('walks a root object even when it holds a function', () => {
    const onReady = () => undefined;
    const { value } = substituteEnvVars({ onReady, agent: { model: '${MODEL}' } }, { MODEL: 'a/b' });
    expect(value).toEqual({ onReady, agent: { model: 'a/b' } });
  });

  it('copies a __proto__ key as data instead of changing the prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": "${X}"}}') as Record<string, unknown>;
    const { value } = substituteEnvVars(input, { X: 'yes' });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
