/**
 * Runs one program with an argv array (never a shell: metacharacters, globs and `$VAR` reach
 * the program as literal text, CVE-2026-28463) in its own process group and, where the host
 * allows, its own PID namespace (`prefix`, containment.ts), so a timeout, an abort or the
 * program's own exit ends everything it started. Output beyond the cap is drained and dropped,
 * so a chatty child never blocks.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface RunInput {
  file: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  stdin?: string;
  timeoutMs: number;
  maxOutputBytes: number;
  /** Wrapper argv placed before the program (the PID-namespace containment); empty: none. */
  prefix?: readonly string[];
  /** Aborting kills the whole tree (the kernel closing, the run aborted). */
  signal?: AbortSignal;
}

export interface RunOutput {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  timedOut: boolean;
  durationMs: number;
}

export function runProcess(input: RunInput): Promise<RunOutput> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const prefix = input.prefix ?? [];
    const [file, args] = prefix.length > 0 ? [prefix[0] as string, [...prefix.slice(1), input.file, ...input.args]] : [input.file, input.args];
    const child = spawn(file, args, {
      cwd: input.cwd,
      env: input.env,
      shell: false,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let truncated = false;
    let timedOut = false;
    const collect = () => {
      const chunks: Buffer[] = [];
      let size = 0;
      return {
        push(chunk: Buffer) {
          const room = input.maxOutputBytes - size;
          if (room <= 0) return void (truncated = true);
          if (chunk.length > room) truncated = true;
          chunks.push(chunk.subarray(0, room));
          size += Math.min(room, chunk.length);
        },
        text: () => Buffer.concat(chunks).toString('utf8'),
      };
    };
    const out = collect();
    const err = collect();
    child.stdout.on('data', out.push);
    child.stderr.on('data', err.push);
    child.stdin.on('error', () => {});
    child.stdin.end(input.stdin ?? '');
    const killTree = () => {
      if (child.pid === undefined) return;
      // Descendants first: under containment the wrapper's child is the namespace's PID 1, and
      // killing it makes the kernel kill everything in the namespace.
      for (const pid of descendants(child.pid)) kill(pid);
      kill(-child.pid);
    };
    const onAbort = () => killTree();
    input.signal?.addEventListener('abort', onAbort, { once: true });
    if (input.signal?.aborted) killTree();
    const timer = setTimeout(() => {
      timedOut = true;
      killTree();
    }, input.timeoutMs);
    // Background children keep the output pipes open: end the group once the program exits.
    child.once('exit', killTree);
    child.once('error', (error) => {
      clearTimeout(timer);
      input.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      input.signal?.removeEventListener('abort', onAbort);
      // Children the program left behind in its group go with it.
      killTree();
      resolve({ exitCode, signal, stdout: out.text(), stderr: err.text(), truncated, timedOut, durationMs: performance.now() - started });
    });
  });
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Every live descendant of `pid` (from /proc; empty where there is no /proc). */
function descendants(pid: number): number[] {
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0 && found.length < 4096) {
    const parent = queue.shift() as number;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      let children = '';
      try {
        children = readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const text of children.split(' ')) {
        const child = Number(text);
        if (Number.isInteger(child) && child > 0 && !found.includes(child)) {
          found.push(child);
          queue.push(child);
        }
      }
    }
  }
  return found;
}
