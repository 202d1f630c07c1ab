import { describe, expect, it } from 'vitest';
import { createAjv } from '../../../core/validate/ajv.ts';

describe('createAjv', () => {
  const schema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      port: { type: 'integer', default: 18789, description: 'Port.' },
      url: { type: 'string', format: 'uri', description: 'URL.' },
      password: { type: 'string', secret: true, description: 'Password.' },
      tags: { type: 'array', items: { type: 'string' }, description: 'Tags.' },
    },
  };

  it('inserts defaults and never coerces types', () => {
    const validate = createAjv().compile(schema);
    const data: Record<string, unknown> = {};
    expect(validate(data)).toBe(true);
    expect(data).toEqual({ port: 18789 });
    const numeric = { port: '8080' };
    expect(validate(numeric)).toBe(false);
    expect(numeric.port).toBe('8080');
  });

  it('reports all errors, verbosely (parentSchema and data for the formatter)', () => {
    const validate = createAjv().compile(schema);
    expect(validate({ port: 1.5, url: 'not a uri', password: 7, extra: true })).toBe(false);
    expect(validate.errors?.map((error) => error.keyword).sort()).toEqual(['additionalProperties', 'format', 'type', 'type']);
    const typeError = validate.errors?.find((error) => error.instancePath === '/password');
    expect(typeError?.parentSchema).toMatchObject({ secret: true, description: 'Password.' });
    expect(typeError?.data).toBe(7);
  });

  it('is strict: an unknown keyword or a union type is a schema error', () => {
    expect(() => createAjv().compile({ type: 'object', properties: { a: { type: 'string', secrte: true } } })).toThrow(/unknown keyword: "secrte"/);
    expect(() => createAjv().compile({ type: ['string', 'number'] })).toThrow(/union type/);
    expect(() => createAjv().compile({ type: 'object', properties: { a: { type: 'string', secret: 'yes' } } })).toThrow(/secret/);
  });

  it('keeps the generated source, so any instance can feed standaloneCode', () => {
    const validate = createAjv().compile(schema);
    expect(validate.source?.validateName).toBeDefined();
  });
});
