import { describe, expect, it } from 'vitest';
import { chat, startAgent } from './harness.ts';

describe('chat through the gateway', () => {
  it('streams deltas then a final with usage over the OpenAI protocol', async () => {
    const h = await startAgent();
    h.fake.script({ text: 'Hello there, friend', chunks: 3 });
    const client = await h.client();
    const { response, deltas, final } = await chat(client, 'hi');
    expect(response.ok).toBe(true);
    expect(deltas.map((d) => d.payload.text).join('')).toBe('Hello there, friend');
    expect(deltas.length).toBe(3);
    expect(final.payload).toMatchObject({ status: 'ok', text: 'Hello there, friend', model: 'fake/primary', sessionKey: 'agent:main:main' });
    expect(final.payload.usage.input).toBeGreaterThan(0);
    expect(final.payload.usage.output).toBeGreaterThan(0);
    expect(h.fake.requests[0]).toMatchObject({ api: 'openai', model: 'primary', key: 'fake-openai-key' });
  });

  it('speaks the Anthropic protocol for api "anthropic"', async () => {
    const h = await startAgent({ agent: { model: 'anth/claude-test' } });
    h.fake.script({ text: 'From Claude', chunks: 2 });
    const client = await h.client();
    const { deltas, final } = await chat(client, 'hi');
    expect(deltas.map((d) => d.payload.text).join('')).toBe('From Claude');
    expect(final.payload).toMatchObject({ status: 'ok', text: 'From Claude', model: 'anth/claude-test' });
    expect(h.fake.requests[0]).toMatchObject({ api: 'anthropic', model: 'claude-test', key: 'fake-anthropic-key' });
  });

  it('keeps the history: the second run sends the first exchange', async () => {
    const h = await startAgent();
    const client = await h.client();
    await chat(client, 'first');
    const { final } = await chat(client, 'second');
    expect(final.payload.text).toBe('echo: second');
    const sent = h.fake.requests[1]!.body.messages.map((m: any) => `${m.role}:${m.content}`);
    expect(sent).toEqual(['user:first', 'assistant:echo: first', 'user:second']);
    const history = await client.request('chat.history', { sessionKey: 'agent:main:main' });
    expect(history.payload.messages.map((m: any) => m.content)).toEqual(['first', 'echo: first', 'second', 'echo: second']);
  });

  it('sends a run\'s events only to the client that started it', async () => {
    const h = await startAgent();
    const sender = await h.client();
    const bystander = await h.client();
    const { final } = await chat(sender, 'private words');
    expect(final.payload.text).toBe('echo: private words');
    // The bystander is still connected and answering; it just never saw the run.
    const ping = await bystander.request('ping', {});
    expect(ping.ok).toBe(true);
    expect(bystander.frames.filter((f) => f.type === 'event' && String(f.event).startsWith('chat.'))).toEqual([]);
  });

  it('rejects an invalid session key with a clear error', async () => {
    const h = await startAgent();
    const client = await h.client();
    const response = await client.request('chat.send', { message: 'x', sessionKey: 'nope' });
    expect(response.error).toMatchInlineSnapshot(`
      {
        "code": "INVALID_SESSION_KEY",
        "message": "invalid session key "nope": expected "agent:<agentId>:main" or "agent:<agentId>:<channel>:dm|group:<id>"",
      }
    `);
  });
});
