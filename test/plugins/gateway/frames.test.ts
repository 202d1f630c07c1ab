import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import requestFrameSchema from '../../../schemas/protocol/request-frame.json' with { type: 'json' };
import { parseFrame } from '../../../plugins/gateway/frames.ts';

const cases: [string, string][] = [
  ['valid, string id', '{"type":"req","id":"a-1","method":"health"}'],
  ['valid, integer id and params', '{"type":"req","id":7,"method":"sessions.list","params":{"limit":5}}'],
  ['valid, idempotency key and traceparent', '{"type":"req","id":"x","method":"send","idempotencyKey":"k1","traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}'],
  ['IN-03: malformed JSON', '{"type":"req",'],
  ['IN-04: array', '[1,2]'],
  ['IN-04: number', '42'],
  ['IN-04: missing id', '{"type":"req","method":"health"}'],
  ['IN-04: missing method', '{"type":"req","id":"1"}'],
  ['IN-04: extra property', '{"type":"req","id":"1","method":"health","admin":true}'],
  ['IN-04: wrong type', '{"type":"res","id":"1","method":"health"}'],
  ['IN-17: negative id', '{"type":"req","id":-1,"method":"health"}'],
  ['IN-17: fractional id', '{"type":"req","id":1.5,"method":"health"}'],
  ['IN-17: id with a space', '{"type":"req","id":"a b","method":"health"}'],
  ['IN-17: id with NUL', '{"type":"req","id":"a\\u0000b","method":"health"}'],
  ['IN-17: id with a lone surrogate', '{"type":"req","id":"\\ud800","method":"health"}'],
  ['IN-17: 1 MB id', `{"type":"req","id":"${'x'.repeat(1_000_000)}","method":"health"}`],
  ['IN-17: method with a slash', '{"type":"req","id":"1","method":"../etc"}'],
  ['IN-17: overlong method', `{"type":"req","id":"1","method":"${'m'.repeat(65)}"}`],
  ['bad idempotency key', '{"type":"req","id":"1","method":"send","idempotencyKey":""}'],
  ['bad traceparent', '{"type":"req","id":"1","method":"send","traceparent":"nope"}'],
];

describe('parseFrame', () => {
  it('agrees with schemas/protocol/request-frame.json on every case', () => {
    const validate = new Ajv({ strict: true, allErrors: true }).compile(requestFrameSchema);
    for (const [name, text] of cases) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = Symbol('unparseable');
      }
      expect({ name, ok: parseFrame(text, 64).ok }).toEqual({ name, ok: typeof json !== 'symbol' && validate(json) });
    }
  });

  it('IN-04: messages name the JSON path and never echo values', () => {
    const messages = cases.map(([, text]) => parseFrame(text, 64)).flatMap((result) => (result.ok ? [] : [[result.id, result.error.message]]));
    expect(messages).toMatchInlineSnapshot(`
      [
        [
          null,
          "malformed JSON",
        ],
        [
          null,
          "/ must be an object",
        ],
        [
          null,
          "/ must be an object",
        ],
        [
          null,
          "/id must be a string of 1 to 128 printable ASCII characters or a non-negative integer",
        ],
        [
          "1",
          "/method must be a method name (letters, digits, ".", "_", "-"; at most 64 characters)",
        ],
        [
          "1",
          "/ must not have property "admin"",
        ],
        [
          "1",
          "/type must be "req"",
        ],
        [
          null,
          "/id must be a string of 1 to 128 printable ASCII characters or a non-negative integer",
        ],
        [
          null,
          "/id must be a string of 1 to 128 printable ASCII characters or a non-negative integer",
        ],
        [
          null,
          "/id must be a string of 1 to 128 printable ASCII characters or a non-negative integer",
        ],
        [
          null,
          "/id must be a string of 1 to 128 printable ASCII characters or a non-negative integer",
        ],
        [
          null,
          "/id must be a string of 1 to 128 printable ASCII characters or a non-negative integer",
        ],
        [
          null,
          "/id must be a string of 1 to 128 printable ASCII characters or a non-negative integer",
        ],
        [
          "1",
          "/method must be a method name (letters, digits, ".", "_", "-"; at most 64 characters)",
        ],
        [
          "1",
          "/method must be a method name (letters, digits, ".", "_", "-"; at most 64 characters)",
        ],
        [
          "1",
          "/idempotencyKey must be a string of 1 to 128 printable ASCII characters",
        ],
        [
          "1",
          "/traceparent must be a W3C traceparent",
        ],
      ]
    `);
    for (const [, text] of cases) {
      const result = parseFrame(text, 64);
      if (!result.ok) expect(result.error.code).toBe('INVALID_REQUEST');
    }
  });

  it('IN-06 / IN-14: depth and prototype keys are checked before the envelope', () => {
    const deep = `{"type":"req","id":"1","method":"x","params":${'['.repeat(100)}${']'.repeat(100)}}`;
    expect(parseFrame(deep, 64)).toMatchObject({ ok: false, error: { message: 'JSON nested deeper than 64 levels' } });
    expect(parseFrame('{"type":"req","id":"1","method":"x","params":{"__proto__":{"isAdmin":true}}}', 64)).toMatchObject({
      ok: false, error: { message: 'keys "__proto__", "constructor" and "prototype" are not allowed' },
    });
  });

  it('an unknown property with a hostile name is not echoed', () => {
    expect(parseFrame(`{"type":"req","id":"1","method":"x","${'\\u0000'.repeat(3)}":1}`, 64)).toMatchObject({ ok: false, error: { message: '/ must not have property "…"' } });
  });
});
