/**
 * `moltbot logs [--follow] [--json] [--lines <n>]`: the last lines of the log file, as text
 * (default) or the stored JSON; `--follow` keeps printing new lines until Ctrl-C, and starts
 * over when the file rotates.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from '../../sdk/core/index.ts';
import { toText } from './text-format.ts';

export interface LogsCommandOptions {
  file: string;
  signal: AbortSignal;
  pollMs?: number;
  /** Ends --follow (tests); default SIGINT. */
  stop?: Promise<void>;
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

export function registerLogsCommand(program: Command, cli: CliContext, options: LogsCommandOptions): void {
  program.command('logs')
    .description('print the gateway log file (text; --json for the stored lines), --follow for new lines')
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option('--json', 'print the JSON lines as stored')
    .option('-n, --lines <n>', 'how many of the last lines to print (default 100)', parseCount)
    .action(async (flags: { follow?: boolean; json?: boolean; lines?: number }) => {
      const show = (line: string) => cli.print(flags.json ? line : toText(line));
      let offset = 0;
      let inode = -1;
      let partial = '';
      const readNew = (): string[] => {
        let stats;
        try {
          stats = statSync(options.file);
        } catch {
          return [];
        }
        if (stats.ino !== inode || stats.size < offset) {
          inode = stats.ino;
          offset = 0;
          partial = '';
        }
        if (stats.size === offset) return [];
        const fd = openSync(options.file, 'r');
        try {
          const buffer = Buffer.alloc(stats.size - offset);
          const read = readSync(fd, buffer, 0, buffer.length, offset);
          offset += read;
          const text = partial + buffer.subarray(0, read).toString('utf8');
          const lines = text.split('\n');
          partial = lines.pop() ?? '';
          return lines.filter((line) => line !== '');
        } finally {
          closeSync(fd);
        }
      };
      const first = readNew();
      if (first.length === 0 && inode === -1 && !flags.follow) {
        cli.warn(`no log file at ${options.file} (add "file" to logging.transports)`);
        return;
      }
      for (const line of first.slice(-(flags.lines ?? 100))) show(line);
      if (!flags.follow) return;
      const stop = options.stop ?? new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      let done = false;
      void stop.then(() => { done = true; });
      while (!done && !options.signal.aborted) {
        await new Promise((r) => setTimeout(r, options.pollMs ?? 250));
        for (const line of readNew()) show(line);
      }
    });
}
