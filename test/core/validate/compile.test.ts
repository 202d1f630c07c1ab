import { describe, expect, it } from 'vitest';
import { isMoltbotError } from '../../../core/errors.ts';
import { compileSchema } from '../../../core/validate/compile.ts';

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
