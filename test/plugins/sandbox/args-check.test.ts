/** The worker-side argument check: linear-time patterns, JS escapes translated, unsupported syntax named. */
import { describe, expect, it } from 'vitest';
import { checkArguments, compileParameters, SchemaProblem } from '../../../plugins/sandbox/args-check.ts';
import { toRe2Syntax } from '../../../plugins/sandbox/linear-regexp.ts';

const schema = (pattern: string) => JSON.stringify({ type: 'object', properties: { s: { type: 'string', pattern } } });

describe('sandbox argument check', () => {
  it('an exponential pattern on a long argument is an ordinary pattern error', () => {
    expect(checkArguments(schema('^(a|a)+$'), JSON.stringify({ s: `${'a'.repeat(5000)}!` }))).toEqual({ ok: false, message: '/s must match pattern "^(a|a)+$"' });
    expect(checkArguments(schema('^(a|a)+$'), JSON.stringify({ s: 'aaaa' }))).toEqual({ ok: true, argsJson: '{"s":"aaaa"}' });
  });

  it('keeps patterns apart (ajv caches them by their string form) and applies defaults', () => {
    const both = JSON.stringify({ type: 'object', properties: { a: { type: 'string', pattern: '^x+$' }, b: { type: 'string', pattern: '^y+$' }, n: { type: 'integer', default: 3 } } });
    expect(checkArguments(both, JSON.stringify({ a: 'xx', b: 'yy' }))).toEqual({ ok: true, argsJson: '{"a":"xx","b":"yy","n":3}' });
    expect(checkArguments(both, JSON.stringify({ a: 'xx', b: 'xx' }))).toEqual({ ok: false, message: '/b must match pattern "^y+$"' });
  });

  it('translates JavaScript \\u escapes and refuses lookaround with the reason', () => {
    expect(toRe2Syntax('^\\u00e9\\u{1F600}\\\\u$')).toBe('^\\x{00e9}\\x{1F600}\\\\u$');
    expect(checkArguments(schema('^\\u00e9+$'), JSON.stringify({ s: 'éé' }))).toMatchObject({ ok: true });
    expect(() => compileParameters(schema('^(?=a)a$'))).toThrow(SchemaProblem);
    expect(() => compileParameters(schema('^(?=a)a$'))).toThrow(/pattern "\^\(\?=a\)a\$" is not supported by the linear-time regex engine/);
  });

  it('a schema that does not compile is a SchemaProblem naming the keyword', () => {
    expect(() => compileParameters(JSON.stringify({ type: 'object', propertiez: {} }))).toThrow(/parameters is not a usable JSON Schema: strict mode: unknown keyword: "propertiez"/);
  });

  it('a schema nested too deep to compile is a SchemaProblem, not a crash', () => {
    const depth = 20_000;
    const deep = `${'{"type":"array","items":'.repeat(depth)}{"type":"string"}${'}'.repeat(depth)}`;
    expect(() => compileParameters(deep)).toThrow(SchemaProblem);
    expect(() => compileParameters(deep)).toThrow(/parameters is not a usable JSON Schema: Maximum call stack size exceeded/);
  });
});
