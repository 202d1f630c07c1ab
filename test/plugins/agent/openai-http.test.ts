/** The OpenAI-compatible HTTP API, driven by the official `openai` client as a user would. */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../gateway/helpers.ts';
import { startAgent } from './harness.ts';

describe('OpenAI-compatible HTTP', () => {
  it('streams a completion to the official openai client', async () => {
    const h = await startAgent({ gateway: { http: { openai: { enabled: true } } } });
    h.fake.script({ text: 'streamed through moltbot', chunks: 4 });
    const client = new OpenAI({ apiKey: PASSWORD, baseURL: `${h.httpUrl}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'moltbot', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('streamed through moltbot');
    expect(usage!.completion_tokens).toBeGreaterThan(0);
    const sessions = await h.agent.listSessions();
    expect(sessions[0]!.key).toBe('agent:main:main');
  });

  it('answers without streaming, lists models, and keys the session by `user`', async () => {
    const h = await startAgent({ gateway: { http: { openai: { enabled: true } } } });
    const client = new OpenAI({ apiKey: PASSWORD, baseURL: `${h.httpUrl}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'moltbot', user: 'alice', messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'plain' }] });
    expect(completion.choices[0]!.message.content).toBe('echo: plain');
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(['moltbot', 'fake/primary']);
    expect((await h.agent.history('agent:main:openai:dm:alice')).map((m) => m.content)).toEqual(['plain', 'echo: plain']);
  });

  it('needs the gateway credential', async () => {
    const h = await startAgent({ gateway: { http: { openai: { enabled: true } } } });
    const client = new OpenAI({ apiKey: 'wrong-secret', baseURL: `${h.httpUrl}/v1`, maxRetries: 0 });
    await expect(client.models.list()).rejects.toMatchObject({ status: 401 });
  });

  it('every /v1 error is in OpenAI\'s shape {error:{message,type,code}}, the gateway\'s own answers included', async () => {
    const h = await startAgent({ gateway: { http: { openai: { enabled: true } } } });
    const call = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`${h.httpUrl}${path}`, init);
      return { status: response.status, body: await response.json() as Record<string, unknown> };
    };
    const auth = { authorization: `Bearer ${PASSWORD}` };
    const cases = [
      { answer: await call('/v1/models', { headers: { authorization: 'Bearer wrong-secret' } }), status: 401, type: 'authentication_error' },
      { answer: await call('/v1/embeddings', { headers: auth }), status: 404, type: 'not_found_error' },
      { answer: await call('/v1/chat/completions', { headers: auth }), status: 405, type: 'invalid_request_error' },
      { answer: await call('/v1/chat/completions', { method: 'POST', headers: auth, body: 'not json' }), status: 400, type: 'invalid_request_error' },
    ];
    for (const { answer, status, type } of cases) {
      expect(answer.status).toBe(status);
      expect(Object.keys(answer.body)).toEqual(['error']);
      expect(answer.body.error).toMatchObject({ type, param: null, message: expect.any(String), code: expect.any(String) });
    }
    // The official client reads the message and code from that shape.
    const client = new OpenAI({ apiKey: 'wrong-secret', baseURL: `${h.httpUrl}/v1`, maxRetries: 0 });
    const error = await client.models.list().then(() => undefined, (caught: unknown) => caught as InstanceType<typeof OpenAI.APIError>);
    expect(error?.status).toBe(401);
    expect(error?.type).toBe('authentication_error');
    expect(error?.message).not.toMatch(/undefined|\[object/);
    // Outside /v1 the gateway keeps its own shape.
    expect((await call('/nope', { headers: auth })).body).toMatchObject({ ok: false, error: { code: 'METHOD_NOT_FOUND' } });
  });

  it('is off by default', async () => {
    const h = await startAgent();
    const response = await fetch(`${h.httpUrl}/v1/models`, { headers: { authorization: `Bearer ${PASSWORD}` } });
    expect(response.status).toBe(404);
  });
});
