import { describe, it, expect } from 'vitest';
import { createRedactor, REDACTED } from '../../core/redact.ts';

const { scrubText, scrubJsonLine } = createRedactor();

describe('scrubText patterns', () => {
  it.each([
    ['Bearer token', 'GET /v1 Authorization-less Bearer abc.DEF-123_x~+/==', 'GET /v1 Authorization-less Bearer [REDACTED]'],
    ['Basic credentials', 'sent Basic dXNlcjpodW50ZXIy (retry)', 'sent Basic [REDACTED] (retry)'],
    ['authorization header line', 'authorization: Token 9f8e7d6c\nnext line', 'authorization: [REDACTED]\nnext line'],
    ['unquoted Authorization=', 'curl -H Authorization=Bearer qwerty123', 'curl -H Authorization=[REDACTED]'],
    ['cookie header', 'Cookie: sid=abc123; theme=dark', 'Cookie: [REDACTED]'],
    ['set-cookie header', 'set-cookie: sid=abc123; HttpOnly', 'set-cookie: [REDACTED]'],
    ['password=', 'login password=hunter22 ok', 'login password=[REDACTED] ok'],
    ['password: spaced', 'db password:  hunter22', 'db password:  [REDACTED]'],
    ['client_secret in query', '?client_id=app&client_secret=s3cr3t&x=1', '?client_id=app&client_secret=[REDACTED]&x=1'],
    ['access_token in query', 'https://h/cb?access_token=tok123&state=a', 'https://h/cb?access_token=[REDACTED]&state=a'],
    ['apiKey JSON', '{"apiKey":"k-123 456","n":1}', '{"apiKey":"[REDACTED]","n":1}'],
    ['api_key single-quoted', "{'api_key': 'k 123'}", "{'api_key': '[REDACTED]'}"],
    ['escaped JSON inside a string', '{\\"token\\":\\"tok-xyz\\"}', '{\\"token\\":\\"[REDACTED]\\"}'],
    ['private_key', 'private_key=MIIEvQ', 'private_key=[REDACTED]'],
    ['redis URL userinfo', 'redis://user:pass@host:6379/0', 'redis://user:[REDACTED]@host:6379/0'],
    ['URL password with @', 'postgres://admin:p@ss:w@db.local/app', 'postgres://admin:[REDACTED]@db.local/app'],
    ['URL without user', 'redis://:onlypass@cache', 'redis://:[REDACTED]@cache'],
    ['OpenAI key', 'key sk-proj-AbCdEfGhIjKlMnOpQrStUvWx', 'key [REDACTED]'],
    ['Anthropic key', 'x=sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv.', 'x=[REDACTED].'],
    ['Slack bot token', 'xoxb-123456789012-abcdefghij', '[REDACTED]'],
    ['Slack user token', '(xoxp-1234-5678-abcdefghijkl)', '([REDACTED])'],
    ['GitHub token', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', '[REDACTED]'],
    ['AWS key id', 'id AKIAIOSFODNN7EXAMPLE end', 'id [REDACTED] end'],
    ['Telegram token in an API URL', 'https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe', 'https://api.telegram.org/bot[REDACTED]/getMe'],
    ['JWT', 'jwt eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.SflKxwRJSMeKKF2QT4', 'jwt [REDACTED]'],
  ])('%s', (_name, input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });

  it.each([
    ['model usage counts', 'max_tokens=4096 inputTokens: 12'],
    ['prose after Basic', 'Basic setup done'],
    ['plain URL with a port', 'http://localhost:8080/path?q=1'],
    ['a JSON null secret', '{"token": null}'],
    ['a parse error message', "Unexpected token '}' in JSON"],
    ['a short number pair', 'took 12:30 minutes'],
    ['already redacted text', `password=${REDACTED} Bearer ${REDACTED}`],
  ])('leaves %s alone', (_name, input) => {
    expect(scrubText(input)).toBe(input);
  });
});

describe('literal secret values', () => {
  it('masks every occurrence, including the JSON-escaped form', () => {
    const secret = 'pa"ss\\word-CANARY-b71e';
    const { scrubText: scrub } = createRedactor({ values: () => [secret] });
    const text = `raw ${secret} and json ${JSON.stringify({ s: secret })}`;
    const out = scrub(text);
    expect(out).toBe(`raw ${REDACTED} and json {"s":"${REDACTED}"}`);
    expect(out).not.toContain('CANARY-b71e');
  });

  it('ignores values shorter than 6 characters and non-strings', () => {
    const { scrubText: scrub } = createRedactor({ values: () => ['admin', 123456 as unknown as string] });
    expect(scrub('admin logged in 123456 times')).toBe('admin logged in 123456 times');
  });

  it('masks the longest value first so no part of it is left', () => {
    const { scrubText: scrub } = createRedactor({ values: () => ['abcdef', 'abcdefghij-CANARY'] });
    expect(scrub('x abcdefghij-CANARY y')).toBe(`x ${REDACTED} y`);
  });

  it('reads the values on every scrub, so a rotated secret is masked at once', () => {
    let current = 'first-secret-CANARY-1';
    const { scrubText: scrub } = createRedactor({ values: () => [current] });
    expect(scrub('use first-secret-CANARY-1')).toBe(`use ${REDACTED}`);
    current = 'second-secret-CANARY-2';
    expect(scrub('use second-secret-CANARY-2')).toBe(`use ${REDACTED}`);
  });

  it('still applies the patterns when the value source throws', () => {
    const { scrubText: scrub } = createRedactor({
      values: () => {
        throw new Error('secret store unavailable');
      },
    });
    expect(scrub('password=hunter22')).toBe(`password=${REDACTED}`);
  });
});

describe('scrubJsonLine', () => {
  const line = (value: unknown): string => `${JSON.stringify(value)}\n`;

  it('masks secret-looking keys at any depth, whatever their spelling', () => {
    const input = line({ a: { b: { c: { d: { apiKey: 'k1', 'x-api-key': 'k2', botToken: 'k3', DB_PASSWORD: 'k4', Authorization: 'k5' } } } } });
    expect(JSON.parse(scrubJsonLine(input))).toEqual({
      a: { b: { c: { d: { apiKey: REDACTED, 'x-api-key': REDACTED, botToken: REDACTED, DB_PASSWORD: REDACTED, Authorization: REDACTED } } } },
    });
  });

  it('masks whole objects, arrays and numbers under a secret key; keeps null and booleans', () => {
    const input = line({ cookie: { sid: 'abc', n: [1, '{x}'] }, secret: ['s1', 's2'], pin: 1, password: 123456, token: null, passwd: false, after: 'kept' });
    expect(scrubJsonLine(input)).toBe(
      line({ cookie: REDACTED, secret: REDACTED, pin: 1, password: REDACTED, token: null, passwd: false, after: 'kept' }),
    );
  });

  it('leaves usage counts and ordinary keys untouched', () => {
    const input = line({ usage: { max_tokens: 10, input_tokens: 3, tokens: 5 }, key: 'cache:user:1', level: 30 });
    expect(scrubJsonLine(input)).toBe(input);
  });

  it('applies the text patterns to every other string, keys included', () => {
    const input = line({ msg: 'connect redis://u:pw12345@h failed', 'Bearer abc123': 1, stack: 'Error: token=zzz\n    at x' });
    expect(JSON.parse(scrubJsonLine(input))).toEqual({
      msg: `connect redis://u:${REDACTED}@h failed`,
      [`Bearer ${REDACTED}`]: 1,
      stack: `Error: token=${REDACTED}\n    at x`,
    });
  });

  it('honours extra key names, case-insensitively', () => {
    const { scrubJsonLine: scrub } = createRedactor({ keys: ['Signature'] });
    expect(scrub(line({ a: [{ signature: 'sig-1' }] }))).toBe(line({ a: [{ signature: REDACTED }] }));
  });

  it('masks literal values inside JSON-escaped strings', () => {
    const secret = 'line"break\nCANARY-3c9d';
    const { scrubJsonLine: scrub } = createRedactor({ values: () => [secret] });
    const out = scrub(line({ msg: `got ${secret}`, nested: { deep: [secret] } }));
    expect(JSON.parse(out)).toEqual({ msg: `got ${REDACTED}`, nested: { deep: [REDACTED] } });
    expect(out).not.toContain('CANARY-3c9d');
  });

  it('still masks a secret spelled with \\u escapes in the line', () => {
    const input = '{"msg":"\\u0074oken=abc123 and \\u0073k-ant-api03-AbCdEfGhIjKlMnOpQrStUv"}\n';
    expect(JSON.parse(scrubJsonLine(input))).toEqual({ msg: `token=${REDACTED} and ${REDACTED}` });
  });

  it('falls back to the text patterns for a line that is not well-formed JSON', () => {
    expect(scrubJsonLine('{"msg":"password=hunter22')).toBe(`{"msg":"password=${REDACTED}`);
    expect(scrubJsonLine('plain token: abc123\n')).toBe(`plain token: ${REDACTED}\n`);
  });

  it('returns a line with nothing to mask unchanged', () => {
    const input = line({ level: 30, time: 1, msg: 'hello', n: -1.5e3, ok: true, list: [] });
    expect(scrubJsonLine(input)).toBe(input);
  });
});

describe('1 MB adversarial inputs (linear-time patterns)', () => {
  const MB = 1 << 20;
  const canary = 'CANARY-redos-5e1f0a';
  // Each input is built to force a backtracking pattern into rescanning from every position.
  const cases: Array<[string, string]> = [
    ['digit run before a colon (Telegram shape)', '7'.repeat(MB) + ':'],
    ['repeated JWT prefixes with no dots', 'eyJ'.repeat(MB / 3)],
    ['URL userinfo with no @', '://u:' + 'p'.repeat(MB)],
    ['Bearer followed by spaces', 'Bearer' + ' '.repeat(MB)],
    ['Basic with a broken base64 tail', 'Basic ' + 'QUJD'.repeat(MB / 4) + 'A!'],
    ['repeated key separators', 'token:'.repeat(MB / 6)],
    ['letters with keyword fragments', 'passwor'.repeat(MB / 7)],
    ['sk- prefixes too short to match', 'sk-ab '.repeat(MB / 6)],
    ['backslashes and quotes', '\\"'.repeat(MB / 2)],
  ];

  it.each(cases)('scrubText completes on %s and still masks a trailing secret', (_name, input) => {
    const out = scrubText(`${input} password=${canary}`);
    expect(out.endsWith(`password=${REDACTED}`)).toBe(true);
    expect(out).not.toContain(canary);
  });

  it('scrubJsonLine completes on a deeply nested 1 MB line and masks the secret inside', () => {
    const depth = MB / 8;
    const input = '['.repeat(depth) + JSON.stringify({ token: canary }) + ']'.repeat(depth) + '\n';
    const out = scrubJsonLine(`{"x":${input.trimEnd()}}\n`);
    expect(out).not.toContain(canary);
    expect(out).toContain(`{"token":"${REDACTED}"}`);
  });

  it('scrubJsonLine completes on a 1 MB string value full of escapes', () => {
    const input = JSON.stringify({ msg: '\\"\n'.repeat(MB / 3) + `secret=${canary}` }) + '\n';
    const out = scrubJsonLine(input);
    expect(out).not.toContain(canary);
    expect((JSON.parse(out) as { msg: string }).msg.endsWith(`secret=${REDACTED}`)).toBe(true);
  });
});
