// The baseline process of the gateway bench's idle-RSS row: Node and `ws` answering the same
// JSON frames as the in-process echo server, nothing else. Plain JS, not TypeScript: a .ts
// entry would load Node's type stripper, which the gateway (compile cache warm) does not.
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2]), perMessageDeflate: false });
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    ws.send(JSON.stringify({ type: 'res', id: frame.id, ok: true, payload: { pong: true, ts: Date.now() } }));
  });
  ws.on('error', () => undefined);
});
process.on('SIGTERM', () => wss.close(() => process.exit(0)));
