/** JSON answers for routes added through the `httpRoute` hook, with the gateway's own headers. */
import type { ServerResponse } from 'node:http';

/** Sends `body` as JSON (no body for HEAD), `no-store` and `nosniff`; after headers went out it only ends the response. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}
