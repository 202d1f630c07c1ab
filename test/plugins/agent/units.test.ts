/** The small pure parts: session keys, Retry-After, status classes, queue, refs, tool registry. */
import { describe, expect, it } from 'vitest';
import { classifyStatus, parseRetryAfter } from '../../../sdk/agent/model-error.ts';
import { resolveModel } from '../../../sdk/agent/model-refs.ts';
import { RunQueue } from '../../../plugins/agent/run-queue.ts';
import { parseSessionKey } from '../../../sdk/agent/session-key.ts';
import { createToolRegistry } from '../../../sdk/agent/tool-registry.ts';
import { jitteredDelay } from '../../../plugins/agent/failover-policy.ts';

const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name] ?? null });

describe('agent parts', () => {
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

  it('jitters the retry delay within ±50 %', () => {
    expect(jitteredDelay(1000, () => 0)).toBe(500);
    expect(jitteredDelay(1000, () => 0.999)).toBe(1499);
  });

  it('resolves model refs: config key, env key, keyless local server, clear errors', () => {
    expect(resolveModel('anthropic/claude', {}, { ANTHROPIC_API_KEY: 'k1' })).toMatchObject({ api: 'anthropic', model: 'claude', apiKey: 'k1' });
    expect(resolveModel('ollama/llama3.1', { ollama: { api: 'openai', baseURL: 'http://127.0.0.1:11434/v1' } }, {})).toMatchObject({ api: 'openai', model: 'llama3.1', baseURL: 'http://127.0.0.1:11434/v1' });
    expect(() => resolveModel('openai/gpt-4o', {}, {})).toThrowErrorMatchingInlineSnapshot(`[ModelCallError: no API key for provider "openai": set the OPENAI_API_KEY environment variable or providers.openai.apiKey]`);
    expect(() => resolveModel('mystery/x', {}, {})).toThrowErrorMatchingInlineSnapshot(`[ModelCallError: provider "mystery" is unknown: set providers.mystery.api ("openai" or "anthropic") and providers.mystery.baseURL]`);
  });

  it('queues per session and refuses beyond the bound', async () => {
    const queue = new RunQueue(2, 1);
    const a = await queue.acquire('s1');
    const b = await queue.acquire('s2');
    const c = queue.acquire('s1');
    await expect(queue.acquire('s3')).rejects.toMatchObject({ code: 'BUSY' });
    a();
    const releaseC = await c;
    expect(queue.active).toBe(2);
    b();
    releaseC();
    expect(queue.active).toBe(0);
  });

  it('an aborted waiter leaves the queue', async () => {
    const queue = new RunQueue(1, 5);
    const first = await queue.acquire('s1');
    const controller = new AbortController();
    const waiting = queue.acquire('s2', controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
    expect(queue.queued).toBe(0);
    first();
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
});
