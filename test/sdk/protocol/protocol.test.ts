/** moltbot/protocol: self-contained (a browser can load it), and its schemas match its types. */
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Scope as KernelScope } from '../../../sdk/core/index.ts';
import { METHOD_PATTERN, PROTOCOL_SCHEMAS, PROTOCOL_VERSION, type RequestFrame, type Scope, type ServerFrame } from 'moltbot/protocol';

describe('moltbot/protocol', () => {
  it('imports nothing but its own files and the protocol JSON Schemas', () => {
    const dir = new URL('../../../sdk/protocol/', import.meta.url);
    for (const file of readdirSync(dir)) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      for (const [, specifier] of source.matchAll(/\bfrom\s+'([^']+)'/g)) {
        expect(`${file}: ${specifier}`).toMatch(/: (\.\/[a-z-]+\.ts|\.\.\/\.\.\/schemas\/protocol\/[a-z-]+\.json)$/);
      }
    }
  });

  it('restates the kernel\'s Scope exactly', () => {
    expectTypeOf<Scope>().toEqualTypeOf<KernelScope>();
  });

  it('frames typed by the module validate against its JSON Schemas', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addSchema(PROTOCOL_SCHEMAS.error);
    const request: RequestFrame = { type: 'req', id: 1, method: 'weather.get', params: { city: 'Oslo' } };
    expect(ajv.compile(PROTOCOL_SCHEMAS.requestFrame)(request)).toBe(true);
    expect(METHOD_PATTERN.test(request.method)).toBe(true);
    const frames: ServerFrame[] = [
      { type: 'res', id: 1, ok: true, payload: { protocol: PROTOCOL_VERSION } },
      { type: 'res', id: null, ok: false, error: { code: 'WEATHER_ERR_CITY_UNKNOWN', message: 'no forecast', details: { fix: '…' } } },
      { type: 'event', event: 'shutdown', payload: { reason: 'restart' }, seq: 3 },
    ];
    const validate = ajv.compile(PROTOCOL_SCHEMAS.serverFrame);
    for (const frame of frames) expect(validate(frame), JSON.stringify(validate.errors)).toBe(true);
  });
});
