/**
 * exec tool containment cost (`npm run bench -- exec`): one `true` run through runProcess
 * directly (process group only, the baseline) and inside its own PID namespace (setpriv +
 * unshare, what exec does), alternated in the same run.
 */
import { detectContainment } from '../plugins/tools-exec/containment.ts';
import { runProcess } from '../plugins/tools-exec/run-process.ts';
import { row, summarize } from './stats.ts';

export async function benchExec(): Promise<string[]> {
  const lines = ['', 'exec tool: one `/bin/true` per call, serial'];
  const containment = await detectContainment();
  if (containment.kind !== 'pid-namespace') return [...lines, `no PID namespace on this host: ${containment.reason}`];
  const input = { file: '/bin/true', args: [], cwd: '/', env: {}, timeoutMs: 10_000, maxOutputBytes: 1024 };
  const direct: number[] = [];
  const contained: number[] = [];
  for (let i = 0; i < 220; i++) {
    let t = performance.now();
    await runProcess(input);
    if (i >= 20) direct.push(performance.now() - t);
    t = performance.now();
    await runProcess({ ...input, prefix: containment.prefix });
    if (i >= 20) contained.push(performance.now() - t);
  }
  const a = summarize(direct);
  const b = summarize(contained);
  lines.push(
    row('process group only', `p50 ${a.median.toFixed(2)} ms`, `p99 ${a.p99.toFixed(2)} ms; baseline`),
    row('own PID namespace (setpriv + unshare)', `p50 ${b.median.toFixed(2)} ms`, `p99 ${b.p99.toFixed(2)} ms; ${(b.median / a.median).toFixed(2)}× (+${(b.median - a.median).toFixed(2)} ms per command)`),
  );
  return lines;
}
