/**
 * A JSON answer in the gateway's shape (no-store, nosniff, exact length). The same as the
 * gateway plugin's `sendJson`: the SDK may not import a plugin, and the gateway's HTTP helpers
 * are not in the SDK yet. When `moltbot/plugin-sdk/gateway` offers it, import it from there.
 */
import type { ServerResponse } from 'node:http';

export function replyJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
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
