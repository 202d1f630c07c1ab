/** The JSON-frame WebSocket client of the gateway benches (and the bare echo server's). */
import { WebSocket } from 'ws';

export type Auth = { password: string } | undefined;

/** Opens a connection and, with `auth`, authenticates it; `request()` sends a ping and resolves 1 if it was answered ok. */
export function open(url: string, auth: Auth): Promise<{ ws: WebSocket; request(): Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    let nextId = 0;
    const pending = new Map<number, (value: number) => void>();
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { id: number; ok: boolean };
      pending.get(frame.id)?.(frame.ok ? 1 : 0);
      pending.delete(frame.id);
    });
    ws.once('error', reject);
    // A server that closes without answering fails what was pending (and an open not yet done):
    // nothing waits for ever.
    ws.once('close', () => {
      for (const done of pending.values()) done(0);
      pending.clear();
      reject(new Error('the connection closed'));
    });
    const send = (method: string, params: unknown) => new Promise<number>((done) => {
      if (ws.readyState !== WebSocket.OPEN) return done(0);
      const id = ++nextId;
      pending.set(id, done);
      ws.send(JSON.stringify({ type: 'req', id, method, params }));
    });
    ws.once('open', async () => {
      if (auth !== undefined) {
        const ok = await send('connect', { minProtocol: 1, maxProtocol: 1, client: { id: 'bench', version: '1' }, auth });
        if (ok !== 1) {
          ws.terminate();
          return reject(new Error('bench client could not authenticate'));
        }
      }
      resolve({ ws, request: () => send('ping', {}) });
    });
  });
}
