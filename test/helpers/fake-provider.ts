/**
 * A fake model provider: a real HTTP server on 127.0.0.1 speaking the Anthropic Messages
 * (`POST /v1/messages`) and OpenAI Chat Completions (`POST /v1/chat/completions`,
 * `GET /v1/models`) wire formats, streamed as SSE like the real services, tool calls included.
 * Scriptable per request: text, tool call, 429 + Retry-After, 5xx, hang, truncated stream,
 * context-length error, a text paced piece by piece (`chunkDelayMs`, OpenAI wire format: the
 * request records how many pieces went out and whether the client hung up before the end).
 * Without a script it answers `echo: <last user text>`.
 *
 * Try the whole gateway without an API key:
 *   npx node test/helpers/fake-provider.ts --port 8089
 * and a config with `agent.model: "fake/echo"`,
 * `providers.fake: { api: "openai", baseURL: "http://127.0.0.1:8089/v1" }`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type FakeStep =
  | { text: string; chunks?: number; delayMs?: number }
  | { text: string; chunks: number; chunkDelayMs: number }
  | { toolCall: { name: string; args: unknown; id?: string }; text?: string }
  | { status: number; retryAfter?: number; message?: string }
  | { contextLength: true }
  | { hang: true }
  | { truncate: true; text?: string };

export interface RecordedRequest {
  api: 'openai' | 'anthropic';
  model: string;
  body: any;
  /** The credential the client sent (Authorization bearer or x-api-key). */
  key: string | undefined;
  at: number;
  /** Paced streams: text pieces written, and whether the client closed the stream before its end. */
  piecesSent?: number;
  closedEarly?: boolean;
}

export interface FakeProvider {
  /** `http://127.0.0.1:<port>` (Anthropic baseURL). */
  url: string;
  /** `http://127.0.0.1:<port>/v1` (OpenAI baseURL). */
  openaiBaseURL: string;
  port: number;
  requests: RecordedRequest[];
  /** Queues steps answered in order by requests for any model. */
  script(...steps: FakeStep[]): void;
  /** Queues steps for requests naming this model (checked before the shared queue). */
  scriptFor(model: string, ...steps: FakeStep[]): void;
  reset(): void;
  close(): Promise<void>;
}

const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

function lastUserText(api: 'openai' | 'anthropic', body: any): string {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) {
      const texts = m.content.filter((b: any) => b?.type === 'text').map((b: any) => b.text);
      if (texts.length > 0) return texts.join('');
      if (api === 'anthropic') return m.content.map((b: any) => (typeof b?.content === 'string' ? b.content : '')).join('');
    }
  }
  return '';
}

function split(text: string, parts: number): string[] {
  if (parts <= 1 || text.length <= 1) return [text];
  const size = Math.ceil(text.length / parts);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function sendError(res: ServerResponse, api: 'openai' | 'anthropic', status: number, message: string, extra: Record<string, string> = {}, code?: string): void {
  const type = status === 429 ? 'rate_limit_error' : status === 401 ? 'authentication_error' : status === 403 ? 'permission_error' : status === 529 ? 'overloaded_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
  const body = api === 'anthropic'
    ? { type: 'error', error: { type, message } }
    : { error: { message, type, code: code ?? null, param: null } };
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

function openaiStream(res: ServerResponse, model: string, step: { text?: string; chunks?: number; toolCall?: { name: string; args: unknown; id?: string } }, inputTokens: number, truncate: boolean): void {
  const id = `chatcmpl-fake-${Date.now()}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: object, finish: string | null) => `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  let out = chunk({ role: 'assistant', content: '' }, null);
  const text = step.text ?? '';
  for (const part of text === '' ? [] : split(text, step.chunks ?? 3)) out += chunk({ content: part }, null);
  if (truncate) {
    res.end(out);
    return;
  }
  let outputTokens = tokens(text);
  if (step.toolCall) {
    const args = JSON.stringify(step.toolCall.args ?? {});
    outputTokens += tokens(args);
    out += chunk({ tool_calls: [{ index: 0, id: step.toolCall.id ?? `call_${Date.now()}`, type: 'function', function: { name: step.toolCall.name, arguments: '' } }] }, null);
    for (const part of split(args, 2)) out += chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] }, null);
  }
  out += chunk({}, step.toolCall ? 'tool_calls' : 'stop');
  out += `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens } })}\n\n`;
  res.end(`${out}data: [DONE]\n\n`);
}

/** An OpenAI stream whose text pieces go out `delayMs` apart; stops writing once the client hangs up. */
async function openaiPacedStream(res: ServerResponse, model: string, step: { text: string; chunks: number; chunkDelayMs: number }, inputTokens: number, recorded: RecordedRequest): Promise<void> {
  const chunk = (delta: object, finish: string | null) => `data: ${JSON.stringify({ id: 'chatcmpl-paced', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  let closed = false;
  res.once('close', () => { closed = !res.writableFinished; });
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  res.write(chunk({ role: 'assistant', content: '' }, null));
  recorded.piecesSent = 0;
  for (const part of split(step.text, step.chunks)) {
    await new Promise((resolve) => setTimeout(resolve, step.chunkDelayMs));
    if (closed) break;
    res.write(chunk({ content: part }, null));
    recorded.piecesSent++;
  }
  recorded.closedEarly = closed;
  if (closed) return;
  const usage = { prompt_tokens: inputTokens, completion_tokens: tokens(step.text), total_tokens: inputTokens + tokens(step.text) };
  res.end(`${chunk({}, 'stop')}data: ${JSON.stringify({ id: 'chatcmpl-paced', object: 'chat.completion.chunk', created: 0, model, choices: [], usage })}\n\ndata: [DONE]\n\n`);
}

function anthropicStream(res: ServerResponse, model: string, step: { text?: string; chunks?: number; toolCall?: { name: string; args: unknown; id?: string } }, inputTokens: number, truncate: boolean): void {
  const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  let out = event('message_start', { message: { id: `msg_fake_${Date.now()}`, type: 'message', role: 'assistant', content: [], model, stop_reason: null, stop_sequence: null, usage: { input_tokens: inputTokens, output_tokens: 1 } } });
  const text = step.text ?? '';
  let index = 0;
  if (text !== '') {
    out += event('content_block_start', { index, content_block: { type: 'text', text: '' } });
    for (const part of split(text, step.chunks ?? 3)) out += event('content_block_delta', { index, delta: { type: 'text_delta', text: part } });
    if (truncate) {
      res.end(out);
      return;
    }
    out += event('content_block_stop', { index });
    index++;
  } else if (truncate) {
    res.end(out);
    return;
  }
  let outputTokens = tokens(text);
  if (step.toolCall) {
    const args = JSON.stringify(step.toolCall.args ?? {});
    outputTokens += tokens(args);
    out += event('content_block_start', { index, content_block: { type: 'tool_use', id: step.toolCall.id ?? `toolu_${Date.now()}`, name: step.toolCall.name, input: {} } });
    for (const part of split(args, 2)) out += event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: part } });
    out += event('content_block_stop', { index });
  }
  out += event('message_delta', { delta: { stop_reason: step.toolCall ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: outputTokens } });
  res.end(out + event('message_stop', {}));
}

export async function startFakeProvider(options: { port?: number } = {}): Promise<FakeProvider> {
  const shared: FakeStep[] = [];
  const perModel = new Map<string, FakeStep[]>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const next = (model: string): FakeStep | undefined => perModel.get(model)?.shift() ?? shared.shift();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      const text = JSON.stringify({ object: 'list', data: [{ id: 'echo', object: 'model', created: 0, owned_by: 'fake' }] });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(text);
    }
    const api = path === '/v1/messages' ? 'anthropic' : path === '/v1/chat/completions' ? 'openai' : undefined;
    if (req.method !== 'POST' || api === undefined) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = JSON.parse(raw);
    const model = String(body.model ?? '');
    const auth = req.headers.authorization;
    const key = (req.headers['x-api-key'] as string | undefined) ?? auth?.replace(/^Bearer /, '');
    const recorded: RecordedRequest = { api, model, body, key, at: Date.now() };
    requests.push(recorded);
    const step = next(model) ?? { text: `echo: ${lastUserText(api, body)}` };
    const inputTokens = tokens(raw);
    if ('hang' in step) return; // the socket stays open until the client gives up or close()
    if ('status' in step) {
      const extra: Record<string, string> = step.retryAfter === undefined ? {} : { 'retry-after': String(step.retryAfter) };
      return sendError(res, api, step.status, step.message ?? `fake error ${step.status}`, extra);
    }
    if ('contextLength' in step) {
      return api === 'anthropic'
        ? sendError(res, api, 400, `prompt is too long: ${inputTokens} tokens > 1000 maximum`)
        : sendError(res, api, 400, `This model's maximum context length is 1000 tokens. However, your messages resulted in ${inputTokens} tokens.`, {}, 'context_length_exceeded');
    }
    if ('chunkDelayMs' in step && api === 'openai') return openaiPacedStream(res, model, step, inputTokens, recorded);
    if ('delayMs' in step && step.delayMs) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
    const truncate = 'truncate' in step;
    const shape = 'toolCall' in step ? { text: step.text ?? '', toolCall: step.toolCall } : { text: step.text ?? '', ...('chunks' in step && step.chunks !== undefined ? { chunks: step.chunks } : {}) };
    if (body.stream !== true && api === 'openai') {
      const text = JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion', created: 0, model, choices: [{ index: 0, message: { role: 'assistant', content: shape.text }, finish_reason: 'stop' }], usage: { prompt_tokens: inputTokens, completion_tokens: tokens(shape.text), total_tokens: inputTokens + tokens(shape.text) } });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(text);
    }
    if (api === 'openai') openaiStream(res, model, shape, inputTokens, truncate);
    else anthropicStream(res, model, shape, inputTokens, truncate);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    openaiBaseURL: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    script: (...steps) => void shared.push(...steps),
    scriptFor(model, ...steps) {
      const queue = perModel.get(model) ?? [];
      queue.push(...steps);
      perModel.set(model, queue);
    },
    reset() {
      shared.length = 0;
      perModel.clear();
      requests.length = 0;
    },
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--port');
  const port = at === -1 ? 8089 : Number(process.argv[at + 1]);
  const fake = await startFakeProvider({ port });
  process.stdout.write(`fake provider listening: OpenAI baseURL ${fake.openaiBaseURL}, Anthropic baseURL ${fake.url}\n`);
}
