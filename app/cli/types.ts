import type { Kernel } from '../../core/kernel.ts';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
}

/** Creates a kernel for the current command line (global --config/--verbose applied); runCli closes it. */
export type KernelFactory = () => Kernel;

/** Ends a command with an exit code after it has printed its own output (e.g. `--json` failures). */
export class CliExit extends Error {
  readonly exitCode: number;
  constructor(exitCode: number) {
    super(`exit ${exitCode}`);
    this.exitCode = exitCode;
  }
}

/** A wrong argument the command itself detected: printed as one line, exit code 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}
