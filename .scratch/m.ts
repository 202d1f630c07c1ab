import { readFileSync } from 'node:fs';
import { createKernel } from '../core/index.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { rendererMemoryMb, processTree } from '../plugins/tools-browser/process-tree.ts';
const s = createServer((q, r) => { r.setHeader('content-type','text/html'); r.end('<h1>Hi</h1><p>x</p>'); });
await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
const port = (s.address() as any).port;
const dir = mkdtempSync(join(tmpdir(), 'm-'));
const kernel = createKernel({ config: { tools: { browser: { allowedHosts: [`127.0.0.1:${port}`] } }, plugins: ['session-store-file', 'agent', 'tools-browser'] }, cwd: dir, homeDir: dir, env: { HOME: dir, MOLTBOT_STATE_DIR: join(dir, 'state') }, logLevel: 'silent' } as any);
await kernel.start();
const tool = (kernel.use('tools') as any).get('browser');
for (let i = 0; i < 3; i++) {
  const key = `agent:m${i}:main`;
  let t = performance.now();
  await tool.handler({ action: 'open', url: `http://127.0.0.1:${port}/` }, { sessionKey: key });
  const open = performance.now() - t;
  t = performance.now();
  await tool.handler({ action: 'snapshot' }, { sessionKey: key });
  const snap = performance.now() - t;
  const pid = (kernel.use('browser' as any) as any).pids()[0];
  const tree = processTree(pid);
  let total = 0; for (const p of tree) { try { total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`,'utf8'))?.[1] ?? 0); } catch {} }
  for (const p of tree) if (p.cmdline.includes('--type=renderer')) { const r = readFileSync(`/proc/${p.pid}/smaps_rollup`,'utf8'); const g=(k: string)=>Number(new RegExp(k+':\\s+(\\d+)').exec(r)?.[1]??0)/1024; console.log('  renderer', p.cmdline.includes('top-chrome')?'webui':'', 'rss', g('Rss').toFixed(0), 'pss', g('Pss').toFixed(0), 'private', (g('Private_Clean')+g('Private_Dirty')).toFixed(0)); }
  console.log(`open(launch) ${open.toFixed(0)} ms, snapshot ${snap.toFixed(1)} ms, renderer RSS ${rendererMemoryMb(pid).toFixed(0)} MB, procs ${tree.length}`);
  await tool.handler({ action: 'close' }, { sessionKey: key });
}
await kernel.close(); s.close();
