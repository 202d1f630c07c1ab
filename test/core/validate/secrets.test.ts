import { describe, expect, it } from 'vitest';
import rootSchema from '../../../schemas/moltbot.config.json' with { type: 'json' };
import { collectSecretValues, looksSecretKey, maskSecrets, secretPaths } from '../../../core/validate/secrets.ts';

describe('looksSecretKey', () => {
  it.each([
    ['password', true], ['dbPassword', true], ['passwd', true], ['appSecret', true], ['credentials', true],
    ['apiKey', true], ['api_key', true], ['x-api-key', true], ['botToken', true], ['token', true], ['privateKey', true],
    ['maxTokens', false], ['tokenFile', false], ['keyPath', false], ['keyPrefix', false], ['port', false], ['model', false],
  ])('%s → %s', (key, expected) => {
    expect(looksSecretKey(key)).toBe(expected);
  });
});

describe('secretPaths', () => {
  it('lists every secret of the root config schema, with * for map keys', () => {
    expect(secretPaths(rootSchema).sort()).toEqual([
      'cache.redis.url',
      'channels.*.accessToken',
      'channels.*.appSecret',
      'channels.*.appToken',
      'channels.*.botToken',
      'channels.*.callbackUrl',
      'channels.*.secret',
      'channels.*.signingSecret',
      'channels.*.token',
      'channels.*.verifyToken',
      'channels.*.webhookSecret',
      'cron.heartbeat.deliver.webhook',
      'cron.jobs.*.deliver.webhook',
      'gateway.auth.password',
      'gateway.auth.token',
      'mcp.servers.*.env.*',
      'mcp.servers.*.headers.*',
      'providers.*.apiKey',
      'redis.url',
    ]);
  });

  it('follows $ref, anyOf/oneOf/allOf, items, patternProperties and additionalProperties', () => {
    const schema = {
      definitions: { cred: { type: 'object', properties: { pin: { type: 'string', secret: true } } } },
      type: 'object',
      properties: {
        list: { type: 'array', items: { $ref: '#/definitions/cred' } },
        tuple: { type: 'array', items: [{ type: 'string' }, { type: 'string', secret: true }], minItems: 2, maxItems: 2 },
        either: { anyOf: [{ type: 'string' }, { type: 'object', properties: { hmac: { type: 'string', secret: true } } }] },
        both: { allOf: [{ oneOf: [{ properties: { seed: { secret: true } } }] }] },
        byPattern: { type: 'object', patternProperties: { '^x-': { $ref: '#/definitions/cred' } } },
        'odd-name': { type: 'string', secret: true },
        self: { $ref: '#' },
      },
    };
    expect(secretPaths(schema).sort()).toEqual([
      '["odd-name"]', 'both.seed', 'byPattern.*.pin', 'either.hmac', 'list.*.pin', 'tuple.*',
    ].sort());
  });
});

describe('maskSecrets', () => {
  const config = {
    gateway: { port: 18789, auth: { mode: 'password', password: 'hunter2-secret' } },
    providers: { openai: { apiKey: 'sk-abc', baseURL: 'https://api.openai.com/v1' }, ollama: { api: 'openai' } },
    channels: { telegram: { enabled: true, botToken: '123:abc', signingSecret: 'sig', maxTokens: 100, dmPolicy: 'pairing' } },
    cache: { redis: { url: 'redis://:pw@cache:6379' } },
    plugins: [['cache-redis', { url: 'redis://x', password: 'plugin-pw' }]],
  };

  it('replaces every set secret (marked or secret-looking) and nothing else, in a deep copy', () => {
    const masked = maskSecrets(config, rootSchema);
    expect(masked).toEqual({
      gateway: { port: 18789, auth: { mode: 'password', password: '[REDACTED]' } },
      providers: { openai: { apiKey: '[REDACTED]', baseURL: 'https://api.openai.com/v1' }, ollama: { api: 'openai' } },
      channels: { telegram: { enabled: true, botToken: '[REDACTED]', signingSecret: '[REDACTED]', maxTokens: 100, dmPolicy: 'pairing' } },
      cache: { redis: { url: '[REDACTED]' } },
      plugins: [['cache-redis', { url: 'redis://x', password: '[REDACTED]' }]],
    });
    expect(config.gateway.auth.password).toBe('hunter2-secret');
    expect(masked.gateway).not.toBe(config.gateway);
  });

  it('leaves unset and empty secrets as they are, so the output tells what is missing', () => {
    expect(maskSecrets({ gateway: { auth: { password: '' } }, providers: { a: {} } }, rootSchema)).toEqual({
      gateway: { auth: { password: '' } },
      providers: { a: {} },
    });
  });

  it('keeps a __proto__ key an own key instead of setting the prototype', () => {
    const masked = maskSecrets(JSON.parse('{"__proto__": {"password": "p"}}') as object, rootSchema);
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
    expect(Object.hasOwn(masked, '__proto__')).toBe(true);
    expect(JSON.stringify(masked)).toBe('{"__proto__":{"password":"[REDACTED]"}}');
  });

  it('masks a cron webhook URL (as cron.list does) and leaves channel deliveries readable', () => {
    const cron = { jobs: [
      { id: 'a', every: '1h', message: 'x', deliver: { webhook: 'https://hooks.example.com/T0/B1/tok-sekrit' } },
      { id: 'b', every: '1h', message: 'y', deliver: { channel: 'irc', chatType: 'dm', chatId: 'alice' } },
      { id: 'c', every: '1h', message: 'z', deliver: 'none' },
    ], heartbeat: { enabled: true, deliver: { webhook: 'https://hooks.example.com/hb?token=t' } } };
    expect(maskSecrets({ cron }, rootSchema)).toEqual({ cron: {
      jobs: [{ ...cron.jobs[0], deliver: { webhook: '[REDACTED]' } }, cron.jobs[1], cron.jobs[2]],
      heartbeat: { enabled: true, deliver: { webhook: '[REDACTED]' } },
    } });
  });

  it('masks a whole marked value even when it is not a string', () => {
    expect(maskSecrets({ gateway: { auth: { token: { nested: 'x' } } } }, rootSchema)).toEqual({ gateway: { auth: { token: '[REDACTED]' } } });
  });
});

describe('collectSecretValues', () => {
  it('returns each secret string present, once', () => {
    const config = {
      gateway: { auth: { password: 'pw-1', token: 'tok-1' } },
      providers: { a: { apiKey: 'key-1' }, b: { apiKey: 'key-1' } },
      channels: { irc: { nickservPassword: 'pw-2', nick: 'bot' } },
      agent: { model: 'anthropic/claude' },
    };
    expect(collectSecretValues(config, rootSchema).sort()).toEqual(['key-1', 'pw-1', 'pw-2', 'tok-1']);
  });

  it('collects the strings inside a marked non-string value', () => {
    const schema = { type: 'object', properties: { vault: { type: 'object', secret: true } } };
    expect(collectSecretValues({ vault: { a: 'one', b: ['two'], c: 3 } }, schema).sort()).toEqual(['one', 'two']);
  });
});
