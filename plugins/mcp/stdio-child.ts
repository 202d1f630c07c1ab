/**
 * The MCP stdio transport for a supervised child. The SDK's StdioClientTransport inherits a
 * default environment and does not start its own process group; this one:
 * - gives the child only the configured env plus a minimal PATH and HOME (no gateway secrets);
 * - starts it as a process-group leader (`detached`), so closing kills the whole group (an
 *   `npx` launcher and the server it started, or anything the server spawned);
 * - hands stderr over line by line (the caller logs it through redaction).
 * Messages are framed with the SDK's own ReadBuffer/serializeMessage.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface StdioChildOptions {
  command: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  cwd: string;
  maxStderrLineBytes: number;
  onStderrLine(line: string): void;
  /** The child is running (pid known). */
  onSpawn?(pid: number): void;
  /** The child exited (after start). */
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
}

/** PATH and HOME the child gets when its env does not set them: enough to find `node`/`npx`. */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin' };
  if (process.env['HOME'] !== undefined) env['HOME'] = process.env['HOME'];
  return env;
}

export class StdioChildTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  #child: ChildProcess | undefined;
  #buffer = new ReadBuffer();
  #stderrTail = '';
  #exited = false;
  readonly #options: StdioChildOptions;

  constructor(options: StdioChildOptions) {
    this.#options = options;
  }

  /** How the child ended (`code 2`, `SIGKILL`), once it has. */
  exitReason: string | undefined;

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(): Promise<void> {
    if (this.#child) throw new Error('StdioChildTransport already started');
    const options = this.#options;
    return new Promise((resolve, reject) => {
      const child = spawn(options.command, [...options.args], {
        env: { ...baseEnv(), ...options.env },
        cwd: options.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
        shell: false,
        windowsHide: true,
      });
      this.#child = child;
      child.once('error', (error) => {
        // ENOENT names the command or the cwd that is missing; say which was tried.
        reject(new Error(`cannot start ${JSON.stringify(options.command)} in ${options.cwd}: ${error.message}`));
        this.onerror?.(error);
      });
      child.once('spawn', () => {
        if (child.pid !== undefined) options.onSpawn?.(child.pid);
        resolve();
      });
      child.once('exit', (code, signal) => {
        this.#exited = true;
        this.exitReason = signal ?? `code ${code}`;
        this.#flushStderr();
        options.onExit(code, signal);
        this.onclose?.();
      });
      child.stdin!.on('error', (error) => this.onerror?.(error));
      child.stdout!.on('data', (chunk: Buffer) => {
        this.#buffer.append(chunk);
        for (;;) {
          let message: JSONRPCMessage | null;
          try {
            message = this.#buffer.readMessage();
          } catch (error) {
            this.onerror?.(error as Error);
            continue;
          }
          if (message === null) break;
          this.onmessage?.(message);
        }
      });
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (text: string) => {
        this.#stderrTail += text;
        let newline: number;
        while ((newline = this.#stderrTail.indexOf('\n')) >= 0) {
          this.#emitStderr(this.#stderrTail.slice(0, newline));
          this.#stderrTail = this.#stderrTail.slice(newline + 1);
        }
        // A child writing without newlines cannot grow the buffer without end.
        if (this.#stderrTail.length > options.maxStderrLineBytes) this.#flushStderr();
      });
    });
  }

  #emitStderr(line: string): void {
    const trimmed = line.replace(/\r$/, '');
    if (trimmed === '') return;
    const max = this.#options.maxStderrLineBytes;
    this.#options.onStderrLine(trimmed.length > max ? `${trimmed.slice(0, max)}… [cut]` : trimmed);
  }

  #flushStderr(): void {
    if (this.#stderrTail !== '') this.#emitStderr(this.#stderrTail);
    this.#stderrTail = '';
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.#child?.stdin;
      if (!stdin || this.#exited) return reject(new Error('MCP server process is not running'));
      const ok = stdin.write(serializeMessage(message), (error) => (error ? reject(error) : undefined));
      if (ok) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Ends the child's stdin, then SIGTERM to the group, then SIGKILL to the group. */
  async close(): Promise<void> {
    const child = this.#child;
    if (!child || this.#exited) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin?.end();
    if (await settlesWithin(exited, 300)) return killGroup(child.pid, 'SIGKILL');
    killGroup(child.pid, 'SIGTERM');
    if (await settlesWithin(exited, 1500)) return killGroup(child.pid, 'SIGKILL');
    killGroup(child.pid, 'SIGKILL');
    await settlesWithin(exited, 1500);
  }

  /** Synchronous last resort (process exit): the whole group, no waiting. */
  kill(): void {
    killGroup(this.#child?.pid, 'SIGKILL');
  }
}

/** Kills the child's process group; grandchildren left behind by an exited leader go too. */
function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
