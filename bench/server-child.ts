/**
 * The server side of a bench that measures a server in its own process: it starts the server,
 * reports its url, and answers the parent's `usage` (CPU so far, RSS, peak RSS since the last
 * `usage`), `settled` (RSS and heap after full collections) and `stop`. Kept free of the
 * project's modules so a bare baseline server's memory is its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settledRss } from './stats.ts';

export interface ServerUsage { cpuUs: number; rss: number; peakRss: number }

export function serveOverIpc(name: string, start: (dir: string) => Promise<{ url: string; close(): Promise<void> }>): void {
  const dir = mkdtempSync(join(tmpdir(), `moltbot-bench-${name}-`));
  const started = start(dir);
  let peakRss = 0;
  setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, 20).unref();
  process.on('message', (message: { op: 'usage' | 'settled' | 'stop' }) => {
    if (message.op === 'usage') {
      const { user, system } = process.cpuUsage();
      const rss = process.memoryUsage.rss();
      process.send!({ cpuUs: user + system, rss, peakRss: Math.max(peakRss, rss) } satisfies ServerUsage);
      peakRss = 0;
    } else if (message.op === 'settled') {
      void settledRss().then((rss) => process.send!({ rss, heapUsed: process.memoryUsage().heapUsed }));
    } else {
      void started.then((server) => server.close()).finally(() => {
        rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      });
    }
  });
  started.then((server) => process.send!({ url: server.url }), (error: unknown) => {
    process.send!({ error: String(error) });
    process.exit(1);
  });
}
