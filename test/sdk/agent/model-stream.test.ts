/**
 * postModelStream and the two first-party wire protocols over it, against a real HTTP server
 * on 127.0.0.1 that answers what real providers answer in the cases the fake provider does not
 * script: errors inside a 200 stream, events split across TCP writes, an error body that is not
 * JSON, a refused connection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelCallError, attemptSignal, fromSdkError, postModelStream, type ModelCall, type ModelEvent } from 'moltbot/plugin-sdk/agent';
import { createOpenAiApi } from '../../../plugins/provider-openai/openai-api.ts';
import { createAnthropicApi } from '../../../plugins/provider-anthropic/anthropic-api.ts';
import { freePort } from '../../helpers/net.ts';

interface Seen { url: string; headers: IncomingMessage['headers']; body: any }

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(answer: (res: ServerResponse, seen: Seen) => void): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => { text += chunk.toString(); });
    req.on('end', () => {
      const request = { url: req.url ?? '', headers: req.headers, body: JSON.parse(text || 'null') };
      seen.push(request);
      answer(res, request);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

const sse = (res: ServerResponse, pieces: string[]) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const piece of pieces) res.write(piece);
  res.end();
};

function call(baseURL: string, apiKey = 'sk-test'): ModelCall {
  return { model: 'm', messages: [{ role: 'user', content: 'hi' }], maxTokens: 100, apiKey, baseURL, timeoutMs: 5_000, signal: new AbortController().signal };
}

async function collect(events: AsyncIterable<ModelEvent>): Promise<ModelEvent[]> {
  const out: ModelEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

async function failure(events: AsyncIterable<unknown>): Promise<ModelCallError> {
  try {
    for await (const _ of events) { /* drain */ }
  } catch (error) {
    expect(error).toBeInstanceOf(ModelCallError);
    return error as ModelCallError;
  }
  throw new Error('the stream did not fail');
}

describe('postModelStream', () => {
  it('yields SSE events split across writes, in order, with their event names', async () => {
    const { base, seen } = await serve((res) => sse(res, ['event: a\nda', 'ta: {"n":1}\n', '\n: comment\n\ndata: two\ndata: lines\n\n']));
    const signal = new AbortController().signal;
    const events = [];
    for await (const event of postModelStream({ url: `${base}/x`, headers: { 'x-key': 'k' }, body: { q: 1 }, signal })) events.push({ event: event.event, data: event.data });
    expect(events).toEqual([{ event: 'a', data: '{"n":1}' }, { event: undefined, data: 'two\nlines' }]);
    expect(seen[0]).toMatchObject({ url: '/x', body: { q: 1 }, headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-key': 'k' } });
  });

  it('an HTTP error carries the status, the provider\'s message, its class and Retry-After', async () => {
    const { base } = await serve((res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
      res.end(JSON.stringify({ error: { message: 'Rate limit reached for requests', type: 'requests' } }));
    });
    const error = await failure(postModelStream({ url: base, headers: {}, body: {}, signal: new AbortController().signal }));
    expect(error).toMatchObject({ errorClass: 'rate_limit', status: 429, retryAfterMs: 7_000, message: 'HTTP 429: Rate limit reached for requests' });
  });

  it('a context-length 400 and an error body that is not JSON are classified from their text', async () => {
    let plain = false;
    const { base } = await serve((res) => {
      res.writeHead(plain ? 502 : 400, { 'content-type': plain ? 'text/html' : 'application/json' });
      res.end(plain ? '<html>Bad gateway</html>\n' : JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' } }));
    });
    const signal = new AbortController().signal;
    expect(await failure(postModelStream({ url: base, headers: {}, body: {}, signal }))).toMatchObject({ errorClass: 'context_length', status: 400 });
    plain = true;
    expect(await failure(postModelStream({ url: base, headers: {}, body: {}, signal }))).toMatchObject({ errorClass: 'overloaded', status: 502, message: 'HTTP 502: <html>Bad gateway</html>' });
  });

  it('never follows a redirect: the key stays with the configured endpoint, and the error names where it pointed (origin and path only)', async () => {
    const reached: IncomingMessage['headers'][] = [];
    const elsewhere = createServer((req, res) => { reached.push(req.headers); res.end('ok'); });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/v1/messages`;
    try {
      for (const status of [307, 302]) {
        const { base } = await serve((res) => { res.writeHead(status, { location: `${target}?token=query-secret` }); res.end(); });
        const error = await failure(createAnthropicApi().stream(call(base, 'sk-ant-secret')));
        expect(error).toMatchObject({ errorClass: 'not_configured', status });
        expect(error.message).toBe(`HTTP ${status}: the model endpoint redirects to ${target}; model calls never follow a redirect (the API key would go with it), so point the provider's baseURL at the address that answers`);
        expect(error.message).not.toMatch(/query-secret|sk-ant-secret/);
        await new Promise((resolve) => server!.close(resolve));
        server = undefined;
      }
      expect(reached).toEqual([]);
    } finally {
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });

  it('a refused connection says why (the cause\'s code), classified as a server failure', async () => {
    const port = await freePort();
    const attempt = attemptSignal(new AbortController().signal, 5_000);
    let error: unknown;
    try {
      for await (const _ of postModelStream({ url: `http://127.0.0.1:${port}/`, headers: {}, body: {}, signal: attempt.signal })) { /* drain */ }
    } catch (caught) {
      error = fromSdkError(caught, attempt.state);
    } finally {
      attempt.dispose();
    }
    expect(error).toMatchObject({ errorClass: 'overloaded', message: 'connection failed: fetch failed (ECONNREFUSED)' });
  });
});

describe('OpenAI Chat Completions over postModelStream', () => {
  const chunk = (delta: object, finish: string | null = null) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

  it('sends the bearer key and the streaming body; text, usage and done come back', async () => {
    const { base, seen } = await serve((res) => sse(res, [chunk({ content: 'he' }), chunk({ content: 'llo' }, 'stop'), `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 10, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 4 } } })}\n\n`, 'data: [DONE]\n\n']));
    const events = await collect(createOpenAiApi().stream(call(`${base}/v1/`)));
    expect(events).toEqual([{ type: 'text', text: 'he' }, { type: 'text', text: 'llo' }, { type: 'done', stopReason: 'stop', usage: { input: 6, output: 2, cached: 4 } }]);
    expect(seen[0]).toMatchObject({ url: '/v1/chat/completions', headers: { authorization: 'Bearer sk-test' }, body: { model: 'm', stream: true, stream_options: { include_usage: true }, max_completion_tokens: 100 } });
  });

  it('a local server without a key gets no Authorization header', async () => {
    const { base, seen } = await serve((res) => sse(res, [chunk({ content: 'ok' }, 'stop'), 'data: [DONE]\n\n']));
    await collect(createOpenAiApi().stream(call(base, '')));
    expect(seen[0]!.headers.authorization).toBeUndefined();
  });

  it('an error inside the 200 stream fails the call as a server failure, with the provider\'s words', async () => {
    const { base } = await serve((res) => sse(res, [chunk({ content: 'par' }), `data: ${JSON.stringify({ error: { message: 'The server had an error while processing your request.' } })}\n\n`]));
    expect(await failure(createOpenAiApi().stream(call(base)))).toMatchObject({ errorClass: 'overloaded', message: 'the model stream failed: The server had an error while processing your request.' });
  });

  it('an event that is not JSON fails the call and quotes the start of it', async () => {
    const { base } = await serve((res) => sse(res, ['data: {"choices": [\n\n']));
    expect((await failure(createOpenAiApi().stream(call(base)))).message).toBe('the model stream sent an event that is not JSON: "{\\"choices\\": ["');
  });
});

describe('Anthropic Messages over postModelStream', () => {
  const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

  it('sends x-api-key and anthropic-version; text, stop reason and usage come back', async () => {
    const { base, seen } = await serve((res) => sse(res, [
      event('message_start', { message: { usage: { input_tokens: 12, output_tokens: 1, cache_read_input_tokens: 3 } } }),
      event('ping', {}),
      event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'hi there' } }),
      event('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } }),
      event('message_stop', {}),
    ]));
    const events = await collect(createAnthropicApi().stream(call(base)));
    expect(events).toEqual([{ type: 'text', text: 'hi there' }, { type: 'done', stopReason: 'end_turn', usage: { input: 12, output: 3, cached: 3 } }]);
    expect(seen[0]).toMatchObject({ url: '/v1/messages', headers: { 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' }, body: { model: 'm', max_tokens: 100, stream: true } });
  });

  it('an overloaded error event mid-stream fails the call as a server failure', async () => {
    const { base } = await serve((res) => sse(res, [event('message_start', { message: { usage: { input_tokens: 1, output_tokens: 0 } } }), event('error', { error: { type: 'overloaded_error', message: 'Overloaded' } })]));
    expect(await failure(createAnthropicApi().stream(call(base)))).toMatchObject({ errorClass: 'overloaded', message: 'the model stream failed: Overloaded' });
  });
});
