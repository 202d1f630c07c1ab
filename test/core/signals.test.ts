import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

/** A real process embedding the kernel with handleSignals, whose plugin closes slowly or never. */
function embedded(closeBehaviour: 'slow' | 'hang') {
  const temp = useTempDir();
  const core = pathToFileURL(join(REPO, 'app/index.ts')).href;
  const script = temp.write('main.ts', `
import { createKernel, definePlugin } from '${core}';
const kernel = createKernel({ config: {}, handleSignals: true, logLevel: 'silent' });
kernel.register(definePlugin({ name: 'slow-closer', version: '1.0.0', setup(ctx) {
  const keepAlive = setInterval(() => {}, 1000);
  ctx.onClose(() => new Promise<void>((resolve) => {
    ${closeBehaviour === 'slow' ? "setTimeout(() => { clearInterval(keepAlive); process.stdout.write('closed\\n'); resolve(); }, 200);" : "process.stdout.write('closing forever\\n');"}
  }), { timeout: 60_000 });
} }));
await kernel.start();
process.stdout.write('ready\\n');
`);
  const child = spawn(process.execPath, [script], { cwd: temp.dir, env: { PATH: process.env.PATH, HOME: temp.dir, MOLTBOT_STATE_DIR: join(temp.dir, 'state') } });
  let stdout = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
    for (const waiter of waiters.filter((w) => stdout.includes(w.text))) waiter.resolve();
  });
  const seen = (text: string) => new Promise<void>((resolve) => {
    if (stdout.includes(text)) resolve();
    else waiters.push({ text, resolve });
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, seen, exited, output: () => stdout };
}

describe('shutdown signals', () => {
  it('SIGTERM closes the kernel once and the process exits on its own', async () => {
    const proc = embedded('slow');
    await proc.seen('ready');
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(proc.output()).toBe('ready\nclosed\n');
  });

  it('a second signal forces the exit while close is stuck', async () => {
    const proc = embedded('hang');
    await proc.seen('ready');
    proc.child.kill('SIGINT');
    await proc.seen('closing forever');
    proc.child.kill('SIGINT');
    const exit = await proc.exited;
    expect(exit).toEqual({ code: 130, signal: null });
  });
});
