/**
 * Runs one program with an argv array (never a shell: metacharacters, globs and `$VAR` reach
 * the program as literal text, CVE-2026-28463) in its own process group, so a timeout kills
 * the whole tree. Output beyond the cap is drained and dropped, so a chatty child never blocks.
 */
import { spawn } from 'node:child_process';

export interface RunInput {
  file: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  stdin?: string;
  timeoutMs: number;
  maxOutputBytes: number;
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
    const child = spawn(input.file, input.args, {
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
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killTree();
    }, input.timeoutMs);
    // Background children keep the output pipes open: end the group once the program exits.
    child.once('exit', killTree);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      // Children the program left behind in its group go with it.
      killTree();
      resolve({ exitCode, signal, stdout: out.text(), stderr: err.text(), truncated, timedOut, durationMs: performance.now() - started });
    });
  });
}
