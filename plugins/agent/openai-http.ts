/**
 * OpenAI-compatible HTTP on the gateway port (`gateway.http.openai.enabled`, off by default):
 * `GET /v1/models` and `POST /v1/chat/completions` (streamed as SSE or not), authenticated like
 * every gateway route (Bearer token or password). The agent keeps the history: the last user
 * message of the request is the input; the session is `agent:main:openai:dm:<user>` when the
 * body names a `user`, else the main session.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRouteRegistrar } from '../../sdk/core/index.ts';
import { AgentError } from '../../sdk/agent/index.ts';
import type { AgentService } from '../../sdk/agent/index.ts';
import { mainSessionKey } from '../../sdk/agent/index.ts';

const MAX_BODY = 1024 * 1024;
const STATUS: Record<string, number> = { BUSY: 429, MODELS_UNAVAILABLE: 503, TIMEOUT: 504, ABORTED: 499, CONTEXT_TOO_LONG: 400, INVALID_SESSION_KEY: 400, TOOL_LOOP_LIMIT: 500, NOT_FOUND: 404 };

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}

/** OpenAI's error `type` for an HTTP status (what its SDKs and clients show and branch on). */
function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

/** OpenAI's error shape, `{ error: { message, type, param, code } }`, for every /v1 error. */
export function openAiErrorBody(status: number, error: { code: string; message: string }): unknown {
  return { error: { message: error.message, type: errorType(status), param: null, code: error.code.toLowerCase() } };
}

function openAiError(res: ServerResponse, status: number, message: string, code: string, retryAfterMs?: number): void {
  json(res, status, openAiErrorBody(status, { code, message }), retryAfterMs === undefined ? {} : { 'Retry-After': String(Math.ceil(retryAfterMs / 1000)) });
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new AgentError('INVALID_SESSION_KEY', 'request body over 1 MiB');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function lastUserText(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as { role?: unknown; content?: unknown };
    if (message?.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    if (Array.isArray(message.content)) {
      return message.content.filter((p: { type?: string }) => p?.type === 'text').map((p: { text?: string }) => p.text ?? '').join('');
    }
  }
  return undefined;
}

export function registerOpenAiRoutes(router: HttpRouteRegistrar, agent: () => AgentService, models: () => string[]): void {
  router.route({
    method: 'GET',
    path: '/v1/models',
    scope: 'read',
    // The gateway's own answers here (401, 403, 404 under /v1, 405, 429) take OpenAI's shape too.
    errorBody: openAiErrorBody,
    handler: (_req, res) => json(res, 200, { object: 'list', data: ['moltbot', ...models()].map((id) => ({ id, object: 'model', created: 0, owned_by: 'moltbot' })) }),
  });
  router.route({
    method: 'POST',
    path: '/v1/chat/completions',
    scope: 'write',
    errorBody: openAiErrorBody,
    async handler(req, res) {
      let body: { messages?: unknown; stream?: unknown; user?: unknown; model?: unknown };
      try {
        body = (await readBody(req)) as typeof body;
      } catch {
        return openAiError(res, 400, 'the body must be JSON of at most 1 MiB', 'invalid_request');
      }
      const input = lastUserText(body?.messages);
      if (input === undefined || input === '') return openAiError(res, 400, 'messages must contain a user message with text', 'invalid_request');
      const user = typeof body.user === 'string' && /^[A-Za-z0-9_.@-]{1,100}$/.test(body.user) ? body.user : undefined;
      const sessionKey = user === undefined ? mainSessionKey() : `agent:main:openai:dm:${user}`;
      const id = `chatcmpl-${randomUUID()}`;
      const created = Math.floor(Date.now() / 1000);
      const model = typeof body.model === 'string' ? body.model : 'moltbot';
      const controller = new AbortController();
      res.on('close', () => { if (!res.writableFinished) controller.abort(new Error('client closed the connection')); });
      const stream = body.stream === true;
      const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}) =>
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
      let attempt = 1;
      try {
        const result = await agent().run({
          sessionKey,
          message: input,
          signal: controller.signal,
          metadata: { transport: 'openai-http' },
          onAccepted: () => {
            if (!stream) return;
            res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
            res.write(chunk({ role: 'assistant', content: '' }, null));
          },
          onEvent: (event) => {
            if (!stream || event.type !== 'delta') return;
            // A retry restarted the answer: OpenAI's format cannot take text back, so later attempts are only sent once complete.
            if (event.attempt !== attempt && attempt !== 0) attempt = 0;
            if (attempt !== 0) res.write(chunk({ content: event.text }, null));
          },
        });
        const usage = { prompt_tokens: result.usage.input, completion_tokens: result.usage.output, total_tokens: result.usage.input + result.usage.output };
        if (!stream) {
          return json(res, 200, { id, object: 'chat.completion', created, model, choices: [{ index: 0, message: { role: 'assistant', content: result.text }, finish_reason: 'stop' }], usage });
        }
        if (attempt === 0) res.write(chunk({ content: result.text }, null));
        res.write(chunk({}, 'stop', { usage }));
        res.end('data: [DONE]\n\n');
      } catch (error) {
        const code = error instanceof AgentError ? error.code : 'INTERNAL';
        const message = error instanceof AgentError ? error.message : 'internal error; see the gateway log';
        if (!res.headersSent) return openAiError(res, STATUS[code] ?? 500, message, code.toLowerCase(), error instanceof AgentError ? error.retryAfterMs : undefined);
        res.end(`data: ${JSON.stringify(openAiErrorBody(STATUS[code] ?? 500, { code, message }))}\n\ndata: [DONE]\n\n`);
      }
    },
  });
}
