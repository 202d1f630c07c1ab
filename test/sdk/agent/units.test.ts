/** The SDK's small pure parts: session keys, Retry-After, status classes, model refs, tool registry. */
import { describe, expect, it } from 'vitest';
import { classifyStatus, parseRetryAfter } from '../../../sdk/agent/index.ts';
import { resolveModel } from '../../../sdk/agent/model-refs.ts';
import { modelApiRef } from '../../../sdk/agent/service-refs.ts';
import { parseSessionKey } from '../../../sdk/agent/session-key.ts';
import { createToolRegistry, declaredPaths } from '../../../sdk/agent/tool-registry.ts';

const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name] ?? null });

describe('sdk/agent parts', () => {
  it('parses session keys: main vs non-main', () => {
    expect(parseSessionKey('agent:main:main')).toEqual({ agentId: 'main', main: true });
    expect(parseSessionKey('agent:ops:telegram:dm:12345')).toEqual({ agentId: 'ops', main: false, channel: 'telegram', chatType: 'dm', peer: '12345' });
    expect(parseSessionKey('agent:main:irc:group:#dev')).toMatchObject({ chatType: 'group', peer: '#dev' });
    for (const bad of ['agent:main', 'agent:../x:main', 'agent:main:web:dm:../../etc', 'agent:main:web:chan:x', 42]) {
      expect(() => parseSessionKey(bad)).toThrow(/invalid session key/);
    }
  });

  it('reads Retry-After as seconds, HTTP date or retry-after-ms', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '7' }))).toBe(7000);
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(parseRetryAfter(headers({ 'retry-after': new Date(61_000).toUTCString() }), 1000)).toBe(60_000);
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(headers({}))).toBeUndefined();
  });

  it('classifies statuses the way the failover table needs', () => {
    expect([429, 401, 403, 408, 500, 502, 503, 504, 529, 404].map((s) => classifyStatus(s, ''))).toEqual([
      'rate_limit', 'auth', 'auth', 'timeout', 'overloaded', 'overloaded', 'overloaded', 'overloaded', 'overloaded', 'bad_request',
    ]);
    expect(classifyStatus(400, "This model's maximum context length is 8192 tokens")).toBe('context_length');
    expect(classifyStatus(400, 'prompt is too long: 300000 tokens > 200000 maximum')).toBe('context_length');
    expect(classifyStatus(400, 'bad field')).toBe('bad_request');
  });

  it('resolves model refs: config key, env key, keyless local server, clear errors', () => {
    expect(resolveModel('anthropic/claude', {}, { ANTHROPIC_API_KEY: 'k1' })).toMatchObject({ api: 'anthropic', model: 'claude', apiKey: 'k1' });
    expect(resolveModel('ollama/llama3.1', { ollama: { api: 'openai', baseURL: 'http://127.0.0.1:11434/v1' } }, {})).toMatchObject({ api: 'openai', model: 'llama3.1', baseURL: 'http://127.0.0.1:11434/v1' });
    expect(() => resolveModel('openai/gpt-4o', {}, {})).toThrowErrorMatchingInlineSnapshot(`[ModelCallError: no API key for provider "openai": set the OPENAI_API_KEY environment variable or providers.openai.apiKey]`);
    expect(() => resolveModel('mystery/x', {}, {})).toThrowErrorMatchingInlineSnapshot(`[ModelCallError: provider "mystery" is unknown: set providers.mystery.api ("openai" or "anthropic") and providers.mystery.baseURL]`);
  });

  it('tool registry: validates, refuses duplicates, unregisters', () => {
    const tools = createToolRegistry();
    const off = tools.register({ name: 'echo', description: 'd', parameters: { type: 'object' }, handler: (a) => a });
    expect(() => tools.register({ name: 'echo', description: 'd', parameters: {}, handler: () => 1 })).toThrow(/already registered/);
    expect(() => tools.register({ name: 'bad name', description: 'd', parameters: {}, handler: () => 1 })).toThrow(/invalid tool name/);
    expect(tools.list()).toEqual([{ name: 'echo', description: 'd', parameters: { type: 'object' } }]);
    off();
    expect(tools.get('echo')).toBeUndefined();
  });

  it('declaredPaths: the path arguments of a call by the tool\'s declaration, arrays spread, others ignored', () => {
    expect(declaredPaths({ access: { paths: 'write' } }, { path: 'a.md', content: 'x' })).toEqual([{ arg: 'path', access: 'write', value: 'a.md' }]);
    expect(declaredPaths({ access: { paths: { from: 'read', to: 'write' } } }, { from: ['a', 'b'], to: 'c' })).toEqual([
      { arg: 'from', access: 'read', value: 'a' }, { arg: 'from', access: 'read', value: 'b' }, { arg: 'to', access: 'write', value: 'c' },
    ]);
    expect(declaredPaths({}, { path: 'a.md' })).toEqual([]);
    expect(declaredPaths(undefined, { path: 'a.md' })).toEqual([]);
    expect(declaredPaths({ access: { paths: 'read' } }, null)).toEqual([]);
    // An inherited property is not an argument the model gave.
    expect(declaredPaths({ access: { paths: { toString: 'write' as const } } }, {})).toEqual([]);
  });

  it('modelApiRef: one ref per wire protocol, id model-api.<api>; a bad name is refused', () => {
    expect(modelApiRef('openai')).toBe(modelApiRef('openai'));
    expect(modelApiRef('acme-chat').id).toBe('model-api.acme-chat');
    expect(() => modelApiRef('Bad:api')).toThrow(/lower-case words/);
  });
});
