import { describe, expect, it } from 'vitest';
import { createHooks } from '../../../core/hooks.ts';
import { checkMethodSchemas } from '../../../plugins/gateway/method-schemas-check.ts';
import type { Check } from '../../../sdk/core/index.ts';
import { defineMethod, methodRegistry } from '../../../sdk/gateway/index.ts';

describe('checkMethodSchemas (moltbot doctor)', () => {
  it('a params schema ajv refuses is reported by the doctor check, naming method and plugin', async () => {
    const ctx = { name: 'p', hooks: createHooks() };
    defineMethod(ctx, { name: 'notes.find', scope: 'read', params: { type: 'object', properties: { q: { type: 'string', colour: 'red' } } }, handler: () => [] });
    defineMethod(ctx, { name: 'notes.list', scope: 'read', params: { type: 'object' }, handler: () => [] });
    const checks: Check[] = [];
    checkMethodSchemas(methodRegistry(ctx.hooks), { add: (check) => void checks.push(check) });
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ id: 'gateway.method_schemas', severity: 'critical' });
    expect(checks[0]!.description).toContain('notes.find (plugin "p")');
    expect(checks[0]!.description).not.toContain('notes.list');
  });
});
