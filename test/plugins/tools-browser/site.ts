/**
 * The web pages the browser tests visit, served on 127.0.0.1: a form whose submissions the
 * test can read, a page that never answers, pages reaching for another (blocked) server, and a
 * page that allocates memory, at once or when the test says so. `bystander` is that other
 * server: it records every hit.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { WebSocketServer } from 'ws';

export interface Site {
  port: number;
  url: string;
  submissions: string[];
  /** Resolves when the next request for /hang has arrived. */
  nextHang(): Promise<void>;
  /**
   * Answers the /go request of an /alloc?when=go page (waiting for it to arrive): the page
   * allocates then, after its action.
   */
  go(): Promise<void>;
  bystander: { port: number; hits: string[] };
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

const html = (res: ServerResponse, body: string) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Moltbot test</title></head><body>${body}</body></html>`);
};

export async function startSite(): Promise<Site> {
  const hits: string[] = [];
  const bystanderServer = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.end('secret');
  });
  const wss = new WebSocketServer({ server: bystanderServer });
  wss.on('connection', (socket, req) => {
    hits.push(`ws ${req.url}`);
    socket.close();
  });
  const bystanderPort = await listen(bystanderServer);
  const other = `127.0.0.1:${bystanderPort}`;

  const submissions: string[] = [];
  const hanging: ServerResponse[] = [];
  const hangWaiters: (() => void)[] = [];
  const going: ServerResponse[] = [];
  const goWaiters: (() => void)[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/' ) {
      return html(res, `<h1>Hello Moltbot</h1><p>A page for the browser tool.</p>
        <form method="post" action="/submit">
          <label>Your name <input name="name"></label>
          <label>Colour <select name="colour"><option value="red">Red</option><option value="blue">Blue</option></select></label>
          <button type="submit">Send form</button>
        </form>`);
    }
    if (path === '/submit' && req.method === 'POST') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        submissions.push(body);
        const name = new URLSearchParams(body).get('name') ?? '';
        html(res, `<h1>Thanks ${name.replace(/[<>&]/g, '')}</h1>`);
      });
      return;
    }
    if (path === '/hang') {
      hanging.push(res);
      for (const wake of hangWaiters.splice(0)) wake();
      return;
    }
    if (path === '/reach-out') {
      return html(res, `<h1>Reaching out</h1><img src="http://${other}/pixel.png" alt="pixel">
        <script>fetch('http://${other}/fetch').catch(() => {}); try { new WebSocket('ws://${other}/socket'); } catch {}</script>`);
    }
    if (path === '/tabs') return html(res, '<h1>Tabs</h1><a href="/" target="_blank">Open the form in a new tab</a>');
    if (path === '/chat') {
      return html(res, `<h1>Chat</h1><p id="out">waiting</p><script>
        const socket = new WebSocket('ws://' + location.host + '/echo');
        socket.onopen = () => socket.send('ping');
        socket.onmessage = (event) => { document.getElementById('out').textContent = 'echo: ' + event.data; };
        socket.onerror = () => { document.getElementById('out').textContent = 'socket failed'; };
      </script>`);
    }
    if (path === '/redirect') {
      res.writeHead(302, { location: `http://${other}/redirected` });
      return void res.end();
    }
    if (path === '/go') {
      going.push(res);
      for (const wake of goWaiters.splice(0)) wake();
      return;
    }
    if (path === '/alloc') {
      const params = new URL(req.url ?? '/', 'http://x').searchParams;
      const mb = Number(params.get('mb') ?? '100');
      const allocate = `window.keep = []; for (let i = 0; i < ${mb / 10}; i++) window.keep.push(new Uint8Array(10 * 1024 * 1024).fill(i + 1));`;
      return html(res, `<h1>Allocating</h1><script>${params.get('when') === 'go' ? `fetch('/go').then(() => { ${allocate} });` : allocate}</script>`);
    }
    res.writeHead(404).end('not found');
  });
  const echo = new WebSocketServer({ server, path: '/echo' });
  echo.on('connection', (socket) => socket.on('message', (data) => socket.send(String(data))));
  const port = await listen(server);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    submissions,
    nextHang: () => new Promise<void>((resolve) => void hangWaiters.push(resolve)),
    async go() {
      // The page's fetch can still be on its way (route check, egress proxy) when its action returns.
      if (going.length === 0) await new Promise<void>((resolve) => void goWaiters.push(resolve));
      for (const res of going.splice(0)) res.end('go');
    },
    bystander: { port: bystanderPort, hits },
    async close() {
      for (const res of [...hanging, ...going]) res.destroy();
      server.closeAllConnections();
      bystanderServer.closeAllConnections();
      for (const client of [...wss.clients, ...echo.clients]) client.terminate();
      wss.close();
      echo.close();
      await Promise.all([new Promise((resolve) => server.close(resolve)), new Promise((resolve) => bystanderServer.close(resolve))]);
    },
  };
}
