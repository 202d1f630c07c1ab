/**
 * The baseline for a chat turn: a bare WebSocket → fetch/SSE proxy with the same durability and
 * the same streaming as the gateway, and nothing else (no auth beyond answering `connect`, no
 * agent, no plugins). Per `chat.send`: append the user message to the session's file and
 * fdatasync it, acknowledge with a runId, stream the provider's SSE deltas as `chat.delta`
 * events, append the reply and fdatasync it, then send `chat.final` — two fdatasyncs per turn,
 * like an acknowledged message and a shown reply in the gateway. The provider gets the whole
 * conversation, as a chat must send it, from a history kept in memory for as many sessions as
 * the gateway's transcript cache holds by default (a session that fell out starts over: the
 * bench never returns to one).
 *
 * Run as a file (`chat-proxy.ts --chat-bench-server proxy <openaiBaseURL>`), it is the bench's
 * proxy server process, which loads nothing of the project.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { serveOverIpc } from './server-child.ts';

/** agents.sessionCacheSize's default. */
const HISTORY_SESSIONS = 100;

interface Request { type: 'req'; id: number; method: string; params?: { sessionKey?: string; message?: string } }

export interface ChatProxy {
  url: string;
  close(): Promise<void>;
}

export async function startDurableChatProxy(openaiBaseURL: string, dir: string): Promise<ChatProxy> {
  const files = new Map<string, Promise<FileHandle>>();
  const fileOf = (sessionKey: string) => {
    let file = files.get(sessionKey);
    if (file === undefined) files.set(sessionKey, (file = open(join(dir, `${sessionKey.replace(/[^\w-]/g, '_')}.jsonl`), 'a')));
    return file;
  };
  const appendDurably = async (sessionKey: string, entry: object) => {
    const file = await fileOf(sessionKey);
    await file.appendFile(`${JSON.stringify(entry)}\n`);
    await file.datasync();
  };
  // The conversation so far, sent with every turn as the gateway sends its context; at most as
  // many sessions as the gateway's transcript cache holds by default (agents.sessionCacheSize).
  const histories = new Map<string, { role: string; content: string }[]>();
  const historyOf = (sessionKey: string) => {
    let history = histories.get(sessionKey);
    if (history === undefined) {
      history = [];
      if (histories.size >= HISTORY_SESSIONS) histories.delete(histories.keys().next().value!);
    } else histories.delete(sessionKey);
    histories.set(sessionKey, history);
    return history;
  };
  let runs = 0;

  const turn = async (ws: WebSocket, request: Request) => {
    const sessionKey = request.params?.sessionKey ?? 'main';
    const message = request.params?.message ?? '';
    await appendDurably(sessionKey, { role: 'user', content: message, at: Date.now() });
    const history = historyOf(sessionKey);
    history.push({ role: 'user', content: message });
    const runId = `run-${++runs}`;
    ws.send(JSON.stringify({ type: 'res', id: request.id, ok: true, payload: { runId } }));
    const response = await fetch(`${openaiBaseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
      body: JSON.stringify({ model: 'echo', stream: true, messages: history }),
    });
    let reply = '';
    let buffered = '';
    const decoder = new TextDecoder();
    for await (const chunk of response.body!) {
      buffered += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffered.indexOf('\n\n')) !== -1) {
        const event = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (!event.startsWith('data: ') || event === 'data: [DONE]') continue;
        const text = (JSON.parse(event.slice(6)) as { choices: { delta?: { content?: string } }[] }).choices[0]?.delta?.content;
        if (!text) continue;
        reply += text;
        ws.send(JSON.stringify({ type: 'event', event: 'chat.delta', payload: { runId, text } }));
      }
    }
    await appendDurably(sessionKey, { role: 'assistant', content: reply, at: Date.now() });
    history.push({ role: 'assistant', content: reply });
    ws.send(JSON.stringify({ type: 'event', event: 'chat.final', payload: { runId, text: reply } }));
  };

  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const request = JSON.parse(data.toString()) as Request;
      if (request.method === 'chat.send') {
        turn(ws, request).catch((error: unknown) => ws.send(JSON.stringify({ type: 'res', id: request.id, ok: false, error: { message: String(error) } })));
      } else {
        ws.send(JSON.stringify({ type: 'res', id: request.id, ok: true, payload: {} }));
      }
    });
    ws.on('error', () => undefined);
  });
  const { port } = wss.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const file of files.values()) await (await file).close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const baseURL = process.argv[process.argv.length - 1] ?? '';
  serveOverIpc('chat-proxy', (dir) => startDurableChatProxy(baseURL, dir));
}
