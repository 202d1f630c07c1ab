/** The JSON-frame WebSocket client of the gateway benches (and the bare echo server's). */
import { WebSocket } from 'ws';

export type Auth = { password: string } | undefined;

export interface Client {
  ws: WebSocket;
  /** Sends a ping; resolves 1 if it was answered ok. */
  request(): Promise<number>;
}

/**
 * Opens a connection and, with `auth`, authenticates it. `pipelined`: a first ping is sent at
 * once — right after `connect`, without waiting for `hello-ok` (the gateway holds it until
 * then) — and the promise resolves once it is answered: the first answer in one round trip
 * less than waiting for `hello-ok`.
 */
export function open(url: string, auth: Auth, pipelined = false): Promise<Client> {
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
      const connected = auth === undefined ? 1 : send('connect', { minProtocol: 1, maxProtocol: 1, client: { id: 'bench', version: '1' }, auth });
      const first = pipelined ? send('ping', {}) : 1;
      if ((await connected) !== 1 || (await first) !== 1) {
        ws.terminate();
        return reject(new Error(`bench client could not ${(await connected) !== 1 ? 'authenticate' : 'get its first ping answered'}`));
      }
      resolve({ ws, request: () => send('ping', {}) });
    });
  });
}
