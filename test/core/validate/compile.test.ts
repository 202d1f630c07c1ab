import { describe, expect, it } from 'vitest';
import { isMoltbotError } from '../../../core/errors.ts';
import { compileOnFirstUse, compileSchema } from '../../../core/validate/compile.ts';
import { spawnNode } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const schemaOf = (description: string) => ({
  type: 'object',
  properties: { url: { type: 'string', format: 'uri', description } },
});

describe('compileSchema', () => {
  it('compiles a schema object once per process', () => {
    const schema = schemaOf('URL.');
    const first = compileSchema(schema);
    expect(compileSchema(schema)).toBe(first);
    // An equal but distinct object is another schema (a plugin may build its schema per call).
    expect(compileSchema(schemaOf('URL.'))).not.toBe(first);
  });

  it('validates with the project ajv options', () => {
    const validate = compileSchema(schemaOf('URL.'));
    expect(validate({ url: 'https://example.com' })).toBe(true);
    expect(validate.errors).toBeNull();
    expect(validate({ url: 'nope' })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ instancePath: '/url', keyword: 'format' });
  });

  it('two schemas may carry the same $id', () => {
    const a = compileSchema({ $id: 'urn:plugin:options', type: 'string' });
    const b = compileSchema({ $id: 'urn:plugin:options', type: 'integer' });
    expect([a('x'), b('x'), b(1)]).toEqual([true, false, true]);
  });

  it('an invalid schema is a MoltbotError naming the problem', () => {
    let caught: unknown;
    try {
      compileSchema({ type: 'object', properties: { a: { type: 'strnig' } } });
    } catch (error) {
      caught = error;
    }
    expect(isMoltbotError(caught, 'MOLT_ERR_SCHEMA_INVALID')).toBe(true);
    expect((caught as Error).message).toMatch(/^Invalid JSON Schema: schema is invalid: data\/properties\/a\/type must be equal to one of the allowed values/);
  });
});

describe('compileOnFirstUse', () => {
  it('compiles on the first call, not before, and reports that call\'s errors', () => {
    const validate = compileOnFirstUse({ type: 'object', properties: { a: { type: 'strnig' } } });
    expect(() => validate({})).toThrow(/Invalid JSON Schema/);
    const lazy = compileOnFirstUse(schemaOf('URL.'));
    expect(lazy({ url: 'nope' })).toBe(false);
    expect(lazy.errors?.[0]).toMatchObject({ instancePath: '/url', keyword: 'format' });
    expect(lazy({ url: 'https://example.com' })).toBe(true);
    expect(lazy.errors).toBeNull();
  });

  it('loads ajv only when a schema is first compiled', async () => {
    const { dir } = useTempDir();
    const compile = new URL('../../../core/validate/compile.ts', import.meta.url).href;
    const script = `
      import m from 'node:module';
      const loaded = [];
      m.registerHooks({ resolve(s, c, n) { if (/^ajv/.test(s)) loaded.push(s); return n(s, c); } });
      const { compileOnFirstUse } = await import(${JSON.stringify(compile)});
      const validate = compileOnFirstUse({ type: 'integer' });
      const before = loaded.length;
      validate(1);
      console.log(JSON.stringify({ before, after: loaded.length }));`;
    const result = await spawnNode(['--input-type=module', '-e', script], { cwd: dir });
    expect(result.stderr).toBe('');
    const counts = JSON.parse(result.stdout) as { before: number; after: number };
    expect(counts.before).toBe(0);
    expect(counts.after).toBeGreaterThan(0);
  });
});
