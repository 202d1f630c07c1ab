import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../../core/validate/compile.ts';
import { describeIssues, formatIssues } from '../../../core/validate/format.ts';
import { validateWith } from '../../../core/validate/index.ts';
import { validateRootConfig } from '../../../core/validate/precompiled.ts';

const HEADING = 'Invalid config at moltbot.config.ts:';

/** The message a user reads for `config`, or "valid". */
function configMessage(config: unknown): string {
  const result = validateWith(validateRootConfig, config, HEADING);
  return result.ok ? 'valid' : result.message;
}

/** JSON.parse keeps `__proto__` as an own key, as a JSON config file would. */
const fromJson = (text: string): unknown => JSON.parse(text);

describe('describeIssues / formatIssues on the root config', () => {
  it('type error: path as written in the config, the value, the description (CF-01)', () => {
    expect(configMessage({ gateway: { port: 'abc' } })).toMatchInlineSnapshot(`
      "Invalid config at moltbot.config.ts:
       - gateway.port must be integer (got "abc") -> Port of the WebSocket + HTTP server (precedence: --port > CLAWDBOT_GATEWAY_PORT > this > 18789)."
    `);
  });

  it('unknown key: full path and the closest known key (CF-02)', () => {
    expect(configMessage({ gateway: { bnd: 'lan' } })).toMatchInlineSnapshot(`
      "Invalid config at moltbot.config.ts:
       - gateway.bnd is not a known key; did you mean "bind"? -> Where the gateway listens: loopback (this machine only), lan, tailnet (Tailscale address) or custom (customBindHost)."
    `);
  });

  it('unknown key with nothing close: lists up to 8 allowed keys', () => {
    expect(configMessage({ gateway: { xyzzyplugh: 1 } })).toMatchInlineSnapshot(`
      "Invalid config at moltbot.config.ts:
       - gateway.xyzzyplugh is not a known key; allowed keys: "port", "bind", "customBindHost", "auth", "controlUi", "ssl", "tailscale", "maxConnections", … (4 more) -> The gateway server: one port for WebSocket RPC and HTTP."
    `);
  });

  it('enum: the allowed values, the value given and a did-you-mean', () => {
    expect(configMessage({ gateway: { bind: 'lna' }, logging: { level: 'verbose' } })).toMatchInlineSnapshot(`
      "Invalid config at moltbot.config.ts:
       - gateway.bind must be one of "loopback", "lan", "tailnet", "custom" (got "lna"); did you mean "lan"? -> Where the gateway listens: loopback (this machine only), lan, tailnet (Tailscale address) or custom (customBindHost).
       - logging.level must be one of "trace", "debug", "info", "warn", "error", "fatal", "silent" (got "verbose") -> Least severe level written (--verbose means debug)."
    `);
  });

  it('required, from a rule that depends on another key', () => {
    expect(configMessage({ channels: { telegram: { dmPolicy: 'open' } } })).toMatchInlineSnapshot(`
      "Invalid config at moltbot.config.ts:
       - channels.telegram.allowFrom is required -> dmPolicy "open" lets anyone message the bot, so it must be stated: put "*" in allowFrom."
    `);
    expect(configMessage({ channels: { telegram: { dmPolicy: 'open', allowFrom: ['alice'] } } })).toMatchInlineSnapshot(`
      "Invalid config at moltbot.config.ts:
       - channels.telegram.allowFrom must contain at least 1 valid item(s) -> dmPolicy "open" lets anyone message the bot, so it must be stated: put "*" in allowFrom."
    `);
    expect(configMessage({ channels: { telegram: { dmPolicy: 'open', allowFrom: ['*'] } } })).toBe('valid');
  });

  it('pattern, minimum and maximum use ajv\'s wording, path-prefixed, with a truncated value', () => {
    expect(configMessage({
      agent: { model: 'gpt-4o' },
      gateway: { port: 70000 },
      alerts: { thresholds: { cpuWarning: 2 } },
      logging: { retention: { maxSize: '100 megabytes, rotated every night at midnight' } },
    })).toMatchInlineSnapshot(`
      "Invalid config at moltbot.config.ts:
       - agent.model must match pattern "^[^/\\s]+/\\S+$" (got "gpt-4o") -> Model reference <provider>/<model>, e.g. "anthropic/claude-3-5-sonnet-20241022" (env CLAWDBOT_AGENT_MODEL overrides).
       - gateway.port must be <= 65535 (got 70000) -> Port of the WebSocket + HTTP server (precedence: --port > CLAWDBOT_GATEWAY_PORT > this > 18789).
       - logging.retention.maxSize must match pattern "^[0-9]+(\\.[0-9]+)?\\s*([KMGT]i?)?B$" (got "100 megabytes, rotated every night at …) -> Size at which the log file rotates, e.g. "100MB" (B, KB, MB, GB, TB).
       - alerts.thresholds.cpuWarning must be <= 1 (got 2) -> CPU use (0..1) that raises a warning."
    `);
  });

  it('prototype keys are rejected in fixed objects and in user-keyed maps (CF-10)', () => {
    expect(configMessage(fromJson('{"channels": {"__proto__": {"enabled": true}}, "providers": {"constructor": {}}}'))).toMatchInlineSnapshot(`
      "Invalid config at moltbot.config.ts:
       - providers.constructor is a reserved name; __proto__, constructor and prototype are never config keys -> Model providers by id, the part before the slash in model references.
       - channels.__proto__ is a reserved name; __proto__, constructor and prototype are never config keys -> Messaging channels by id (telegram, irc, webchat, ...); each channel plugin validates its own extra keys."
    `);
    expect(configMessage(fromJson('{"gateway": {"__proto__": {"port": 1}}}'))).toMatchInlineSnapshot(`
      "Invalid config at moltbot.config.ts:
       - gateway.__proto__ is not a known key; allowed keys: "port", "bind", "customBindHost", "auth", "controlUi", "ssl", "tailscale", "maxConnections", … (4 more) -> The gateway server: one port for WebSocket RPC and HTTP."
    `);
    expect(configMessage(fromJson('{"plugins": [["cache-redis", {"prototype": 1}]]}'))).toMatchInlineSnapshot(`
      "Invalid config at moltbot.config.ts:
       - plugins[0][1].prototype is a reserved name; __proto__, constructor and prototype are never config keys -> Options of the plugin, validated against its own schema."
    `);
  });

  it('anyOf noise is reduced to what the user meant: the branch that got furthest, or one merged type', () => {
    expect(configMessage({
      plugins: [42, ['cache-redis', 'not-an-object'], { nam: 'mine' }],
      logging: { transports: ['fil', { type: 'sylog' }] },
    })).toMatchInlineSnapshot(`
      "Invalid config at moltbot.config.ts:
       - logging.transports[0] must be one of "file", "console", "syslog", "http" (got "fil"); did you mean "file"? -> A transport with its default settings.
       - logging.transports[1].type must be one of "file", "console", "syslog", "http" (got "sylog"); did you mean "syslog"? -> The transport: file, console, syslog or http.
       - plugins[0] must be string, object or array (got 42) -> A plugin: "name", "./path", "package", [plugin, options] or a definePlugin() object.
       - plugins[1][1] must be object (got "not-an-object") -> Options of the plugin, validated against its own schema.
       - plugins[2].name is required -> A plugin object from definePlugin() (its functions are checked when it loads)."
    `);
  });
});

describe('secret values are never echoed (CF-04)', () => {
  const CANARY = 'CANARY-7f3a9c-do-not-print';
  const cases: Array<[string, unknown]> = [
    ['wrong type in a marked field', { gateway: { auth: { password: [CANARY] } } }],
    ['gateway.auth.token of the wrong type', { gateway: { auth: { token: { value: CANARY } } } }],
    ['providers.*.apiKey of the wrong type', { providers: { openai: { apiKey: [CANARY] } } }],
    ['pattern mismatch in a marked field', { cache: { redis: { url: `http://user:${CANARY}@cache.internal` } } }],
    ['a map entry holding a secret', { providers: { openai: CANARY } }],
    ['an unknown key next to secrets', { gateway: { auth: { apiKey: CANARY } } }],
    ['a wrong type whose value contains a secret key', { agent: { fallbacks: { apiKey: CANARY } } }],
    ['an object holding secrets where a scalar belongs', { gateway: { auth: { mode: { password: CANARY } } } }],
  ];

  it.each(cases)('%s', (_name, config) => {
    const message = configMessage(config);
    expect(message).not.toBe('valid');
    expect(message).not.toContain(CANARY);
    expect(message).not.toContain('CANARY');
  });

  it('a secret-looking key in a schema that does not mark it (third-party plugin)', () => {
    const validate = compileSchema({
      type: 'object',
      properties: { clientSecret: { type: 'string', minLength: 40, description: 'OAuth client secret.' } },
    });
    const result = validateWith(validate, { clientSecret: CANARY }, 'Invalid options for plugin "oauth":', 'options');
    expect(result.ok ? '' : result.message).toBe(
      'Invalid options for plugin "oauth":\n - options.clientSecret must NOT have fewer than 40 characters (value hidden: secret field) -> OAuth client secret.',
    );
  });

  it('says why the value is hidden', () => {
    expect(configMessage({ gateway: { auth: { password: 12345678 } }, providers: { openai: 'sk-whatever' } })).toMatchInlineSnapshot(`
      "Invalid config at moltbot.config.ts:
       - providers.openai must be object (value hidden: may hold a secret) -> One model provider.
       - gateway.auth.password must be string (value hidden: secret field) -> Gateway password; write it as \${CLAWDBOT_GATEWAY_PASSWORD} (the env variable also overrides it)."
    `);
  });

  it('masks a secret-shaped value even in a field nobody marked secret', () => {
    const message = configMessage({ agent: { model: 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx' } });
    expect(message).toContain('(got "[REDACTED]")');
    expect(message).not.toContain('AbCdEfGh');
  });
});

describe('plugin options', () => {
  const schema = {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: {
      url: { type: 'string', pattern: '^rediss?://', description: 'Connection URL of the Redis server.' },
      ttlMs: { type: 'integer', minimum: 1, description: 'Default time to live in ms.' },
    },
  };

  it('prefixes the base path and keeps the heading the kernel passes (CF-11)', () => {
    const result = validateWith(
      compileSchema(schema),
      { url: 'http://nope', ttlMs: 0, extra: true },
      'Invalid options for plugin "cache-redis" (moltbot.config.ts → plugins[3])',
      'options',
    );
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toMatchInlineSnapshot(`
      "Invalid options for plugin "cache-redis" (moltbot.config.ts → plugins[3])
       - options.extra is not a known key; allowed keys: "url", "ttlMs"
       - options.url must match pattern "^rediss?://" (got "http://nope") -> Connection URL of the Redis server.
       - options.ttlMs must be >= 1 (got 0) -> Default time to live in ms."
    `);
  });

  it('writes array indexes as [n] under any base path', () => {
    const validate = compileSchema(schema);
    validate({ ttlMs: 'soon' });
    expect(describeIssues(validate.errors ?? [], 'plugins[3]')).toEqual([
      { path: 'plugins[3].url', message: 'is required', description: 'Connection URL of the Redis server.' },
      { path: 'plugins[3].ttlMs', message: 'must be integer (got "soon")', description: 'Default time to live in ms.' },
    ]);
  });

  it('an error on the whole value is reported at the base path, or at (root) without one', () => {
    const validate = compileSchema(schema);
    validate('redis://x');
    expect(describeIssues(validate.errors ?? [], 'options').map((issue) => issue.path)).toEqual(['options']);
    expect(describeIssues(validate.errors ?? []).map((issue) => issue.path)).toEqual(['(root)']);
  });
});

describe('issue details', () => {
  it('carries the suggestion separately for tools', () => {
    validateRootConfig({ gateway: { prot: 1, bind: 'lopback' } });
    expect(describeIssues(validateRootConfig.errors ?? []).map(({ path, suggestion }) => ({ path, suggestion }))).toEqual([
      { path: 'gateway.prot', suggestion: 'port' },
      { path: 'gateway.bind', suggestion: 'loopback' },
    ]);
  });

  it('deduplicates identical issues', () => {
    const property = { type: 'string', description: 'A name.' };
    const validate = compileSchema({
      type: 'object',
      allOf: [{ properties: { name: property } }, { properties: { name: property } }],
    });
    validate({ name: 1 });
    expect(validate.errors).toHaveLength(2);
    expect(describeIssues(validate.errors ?? [])).toEqual([{ path: 'name', message: 'must be string (got 1)', description: 'A name.' }]);
  });

  it('keys that are not identifiers are quoted, as in core/config paths', () => {
    validateRootConfig({ channels: { 'my bot': { enabled: 'yes' } } });
    expect(describeIssues(validateRootConfig.errors ?? []).map((issue) => issue.path)).toEqual(['channels["my bot"].enabled']);
  });

  it('formatIssues: heading, then " - <path> <message> -> <description>" per issue', () => {
    expect(formatIssues('Heading:', [
      { path: 'a.b', message: 'must be string (got 1)', description: 'The b.' },
      { path: 'c', message: 'is required' },
    ])).toBe('Heading:\n - a.b must be string (got 1) -> The b.\n - c is required');
  });

  it('a validator that fails without errors still yields a line', () => {
    const validate = Object.assign(() => false, { errors: null });
    expect(validateWith(validate, {}, 'Invalid options for plugin "x":', 'options')).toEqual({
      ok: false,
      issues: [{ path: 'options', message: 'is invalid' }],
      message: 'Invalid options for plugin "x":\n - options is invalid',
    });
  });
});

describe('key names', () => {
  it('a key rejected by propertyNames says why', () => {
    const validate = compileSchema({
      type: 'object',
      description: 'Tiers by name.',
      propertyNames: { type: 'string', pattern: '^[a-z]+$' },
      additionalProperties: { type: 'integer' },
    });
    validate({ ok: 1, 'Not-OK': 2 });
    expect(formatIssues('Invalid:', describeIssues(validate.errors ?? []))).toMatchInlineSnapshot(`
      "Invalid:
       - Not-OK is not an allowed key name (must match pattern "^[a-z]+$") -> Tiers by name."
    `);
  });
});
