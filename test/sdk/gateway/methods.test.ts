import { describe, expect, it } from 'vitest';
import { MoltbotError } from '../../../core/errors.ts';
import { createHooks } from '../../../core/hooks.ts';
import { definePlugin } from '../../../core/plugin.ts';
import { defineMethod, RpcError } from '../../../sdk/gateway/index.ts';
import { methodRegistry } from '../../../sdk/gateway/methods.ts';
import { connectClient, logText, openClient, PASSWORD, startGateway } from '../../plugins/gateway/helpers.ts';

describe('defineMethod', () => {
  it('records scope, schema and side effects, and refuses bad declarations', () => {
    const hooks = createHooks();
    const ctx = { name: 'p', hooks };
    defineMethod(ctx, { name: 'notes.list', scope: 'read', params: { type: 'object' }, handler: () => [] });
    defineMethod(ctx, { name: 'notes.add', scope: 'write', handler: () => undefined });
    expect(methodRegistry(hooks).list().map(({ name, scope, sideEffects, plugin }) => ({ name, scope, sideEffects, plugin }))).toEqual([
      { name: 'notes.list', scope: 'read', sideEffects: false, plugin: 'p' },
      { name: 'notes.add', scope: 'write', sideEffects: true, plugin: 'p' },
    ]);
    expect(() => defineMethod(ctx, { name: 'notes.add', scope: 'write', handler: () => undefined })).toThrowErrorMatchingInlineSnapshot(`[Error: RPC method "notes.add" is already defined by plugin "p"]`);
    expect(() => defineMethod(ctx, { name: 'connect', scope: 'read', handler: () => undefined })).toThrowErrorMatchingInlineSnapshot(`[TypeError: defineMethod(): "connect" is not a usable method name (letters, digits, ".", "_", "-"; not "connect")]`);
    expect(() => defineMethod(ctx, { name: 'x', scope: 'operator.admin' as never, handler: () => undefined })).toThrowErrorMatchingInlineSnapshot(`[TypeError: defineMethod(): method "x" needs scope "read", "write" or "admin"]`);
    expect(methodRegistry(createHooks()).list()).toEqual([]);
  });

  it('takes a precompiled validate only with the params schema it was generated from', () => {
    const ctx = { name: 'p', hooks: createHooks() };
    const validate = () => true;
    expect(() => defineMethod(ctx, { name: 'a', scope: 'read', validate, handler: () => undefined })).toThrowErrorMatchingInlineSnapshot(`[TypeError: defineMethod(): method "a" has a \`validate\` but no \`params\` schema it was generated from]`);
    expect(() => defineMethod(ctx, { name: 'b', scope: 'read', params: { type: 'object' }, validate: 'yes' as never, handler: () => undefined })).toThrowErrorMatchingInlineSnapshot(`[TypeError: defineMethod(): method "b" has a \`validate\` that is not a function]`);
    const params = { type: 'object' };
    defineMethod(ctx, { name: 'c', scope: 'read', params, validate, handler: () => undefined });
    const registry = methodRegistry(ctx.hooks);
    expect(registry.validator(registry.get('c')!)).toBe(validate);
    expect(registry.get('c')!.params).toBe(params);
  });
});

const calls: string[] = [];
const testMethods = definePlugin({
  name: 'test-methods',
  version: '1.0.0',
  setup(ctx) {
    defineMethod(ctx, {
      name: 'notes.get',
      scope: 'read',
      params: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'integer', minimum: 1, description: 'note id' } } },
      handler: (params: { id: number }) => {
        if (params.id === 404) throw new RpcError('NOT_FOUND', 'no such note', { details: { id: params.id } });
        if (params.id === 500) throw new Error('database exploded at /var/secret/path');
        if (params.id === 78) throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', { message: 'notes.dir is not set', plugin: 'test-methods' });
        if (params.id === 7) return { big: 10n };
        return { id: params.id, text: 'hello' };
      },
    });
    defineMethod(ctx, {
      name: 'notes.add',
      scope: 'write',
      handler: async (params: { text?: string }, rpc) => {
        calls.push(`${params.text}:${rpc.idempotencyKey ?? '-'}:${rpc.connection.subject}`);
        return { n: calls.length };
      },
    });
    // A raw tap without defineMethod: undeclared, so admins only.
    ctx.hooks.rpc.for('raw.tap').tapPromise(ctx.name, async () => 'raw');
  },
});

describe('RPC dispatch', () => {
  it('checks params with the method\'s precompiled validator, not with params compiled', async () => {
    const seen: unknown[] = [];
    // Refuses what the schema allows and the other way round: only this validator can explain the answers.
    const validate = Object.assign((data: unknown) => {
      seen.push(data);
      const ok = (data as { n?: unknown }).n === 'two';
      validate.errors = ok ? null : [{ instancePath: '/n', schemaPath: '#/properties/n/type', keyword: 'type', params: { type: 'string' }, message: 'must be string' }];
      return ok;
    }, { errors: null as unknown });
    const precompiled = definePlugin({
      name: 'precompiled-methods',
      version: '1.0.0',
      setup(ctx) {
        defineMethod(ctx, { name: 'n.echo', scope: 'read', params: { type: 'object', properties: { n: { type: 'integer' } } }, validate: validate as never, handler: (params: { n: unknown }) => params });
      },
    });
    const { url } = await startGateway({ extra: [precompiled] });
    const client = await connectClient(url);
    expect((await client.request('n.echo', { n: 'two' })).payload).toEqual({ n: 'two' });
    const refused = await client.request('n.echo', { n: 2 });
    expect(refused.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('/params/n') });
    expect(seen).toEqual([{ n: 'two' }, { n: 2 }]);
  });

  it('results, schema errors, RpcError, MoltbotError and unexpected errors as wire frames', async () => {
    const { url, kernel } = await startGateway({ extra: [testMethods] });
    const client = await connectClient(url);
    expect((await client.request('notes.get', { id: 3 })).payload).toEqual({ id: 3, text: 'hello' });
    expect((await client.request('notes.get', { id: 'three' })).error).toEqual({ code: 'INVALID_REQUEST', message: '/params/id must be integer' });
    expect((await client.request('notes.get', {})).error).toEqual({ code: 'INVALID_REQUEST', message: '/params/id is required' });
    expect((await client.request('notes.get', { id: 404 })).error).toEqual({ code: 'NOT_FOUND', message: 'no such note', details: { id: 404 } });
    expect((await client.request('notes.get', { id: 78 })).error).toEqual({
      code: 'PLUGIN_ERROR', message: 'notes.dir is not set', details: { code: 'MOLT_ERR_CONFIG_INVALID', plugin: 'test-methods' },
    });
    const internal = await client.request('notes.get', { id: 500 });
    expect(internal.error).toEqual({ code: 'INTERNAL', message: 'method "notes.get" failed; see the gateway log' });
    expect(logText(kernel)).toContain('database exploded');
    expect((await client.request('notes.get', { id: 7 })).error?.code).toBe('INTERNAL');
    expect((await client.request('ping')).ok).toBe(true);
  });

  it('IN-16: a side-effecting method with an idempotency key runs once per key within the TTL', async () => {
    calls.length = 0;
    const { url } = await startGateway({ extra: [testMethods] });
    const client = await connectClient(url);
    const first = await client.request('notes.add', { text: 'a' }, { idempotencyKey: 'key-1' });
    const repeat = await client.request('notes.add', { text: 'a' }, { idempotencyKey: 'key-1' });
    const other = await client.request('notes.add', { text: 'b' }, { idempotencyKey: 'key-2' });
    const plain = await client.request('notes.add', { text: 'c' });
    expect([first.payload, repeat.payload, other.payload, plain.payload]).toEqual([{ n: 1 }, { n: 1 }, { n: 2 }, { n: 3 }]);
    expect(calls).toEqual(['a:key-1:password', 'b:key-2:password', 'c:-:password']);
    // Another connection with the same credential shares the dedupe window.
    const second = await connectClient(url);
    expect((await second.request('notes.add', { text: 'a' }, { idempotencyKey: 'key-1' })).payload).toEqual({ n: 1 });
  });

  it('an undeclared rpc tap is callable by admins only and listed for them', async () => {
    const { url } = await startGateway({ extra: [testMethods] });
    const admin = openClient(url);
    expect((await admin.connect({ password: PASSWORD })).payload.methods).toContain('raw.tap');
    expect((await admin.request('raw.tap')).payload).toBe('raw');
    const writer = openClient(url);
    const hello = await writer.connect({ password: PASSWORD }, { scopes: ['write'] });
    expect(hello.payload.methods).not.toContain('raw.tap');
    expect((await writer.request('raw.tap')).error?.code).toBe('FORBIDDEN');
  });

  it('broadcast reaches authenticated clients with the scope, each with its own seq', async () => {
    const { url, service } = await startGateway();
    const admin = await connectClient(url);
    const reader = openClient(url);
    await reader.connect({ password: PASSWORD }, { scopes: ['read'] });
    const pending = openClient(url);
    await pending.opened;
    const adminEvents = [admin.nextEvent('audit.entry'), admin.nextEvent('notice')];
    const readerEvent = reader.nextEvent('notice');
    expect(service.broadcast('audit.entry', { n: 1 }, 'admin')).toBe(1);
    expect(service.broadcast('notice', { text: 'hi' })).toBe(2);
    expect(await Promise.all(adminEvents)).toEqual([
      { type: 'event', event: 'audit.entry', payload: { n: 1 }, seq: 1 },
      { type: 'event', event: 'notice', payload: { text: 'hi' }, seq: 2 },
    ]);
    expect(await readerEvent).toEqual({ type: 'event', event: 'notice', payload: { text: 'hi' }, seq: 1 });
    expect(pending.frames).toEqual([]);
    expect(() => service.broadcast('bad name"', {})).toThrowErrorMatchingInlineSnapshot(`[TypeError: gateway.broadcast(): invalid event name "bad name\\""]`);
  });
});

describe('defineMethod errors', () => {
  it('accepts codes registered with defineErrors and refuses any other, in setup', async () => {
    const { defineErrors } = await import('../../../sdk/core/index.ts');
    const codes = defineErrors('notes-test', { NOTES_ERR_LOCKED: { title: 'Note locked', fix: 'Unlock it first.' } });
    const hooks = createHooks();
    defineMethod({ name: 'p', hooks }, { name: 'notes.lock', scope: 'write', errors: codes, handler: () => undefined });
    expect(methodRegistry(hooks).get('notes.lock')?.errors).toEqual(['NOTES_ERR_LOCKED']);
    expect(() => defineMethod({ name: 'p', hooks }, { name: 'notes.x', scope: 'read', errors: ['NOTES_ERR_TYPO' as never], handler: () => undefined }))
      .toThrow('method "notes.x" lists error "NOTES_ERR_TYPO" in `errors`, which no defineErrors() call registered');
    expect(() => defineMethod({ name: 'p', hooks }, { name: 'notes.y', scope: 'read', errors: ['MOLT_ERR_CONFIG_INVALID' as never], handler: () => undefined }))
      .toThrow('which no defineErrors() call registered');
  });
});
