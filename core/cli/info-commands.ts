/** `moltbot plugins list` and `moltbot hooks`: what is loaded and what can be tapped. */
import type { Command } from 'commander';
import { describeHooks } from '../hooks.ts';
import { CliUsageError, type CliIo, type KernelFactory } from './types.ts';

export function registerInfoCommands(program: Command, kernelFor: KernelFactory, io: CliIo): void {
  const plugins = program.command('plugins').description('inspect plugins');
  plugins
    .command('list')
    .description('set up every configured plugin and list name, version, origin, status and setup time')
    .option('--json', 'machine-readable list')
    .action(async (options: { json?: boolean }) => {
      const kernel = kernelFor();
      await kernel.load();
      const rows = kernel.plugins();
      if (options.json) {
        io.stdout(`${JSON.stringify(rows)}\n`);
        return;
      }
      io.stdout(table(
        ['NAME', 'VERSION', 'ORIGIN', 'STATUS', 'SETUP'],
        rows.map((p) => [p.name, p.version, p.origin, p.status, p.setupMs === undefined ? '-' : `${p.setupMs.toFixed(1)} ms`]),
      ));
      if (rows.length === 0) io.stdout('(no plugins configured: add some to `plugins` in moltbot.config.ts)\n');
    });

  plugins
    .command('info <name>')
    .description('show a configured plugin: version, origin, dependencies, options schema and defaults')
    .action(async (name: string) => {
      const kernel = kernelFor();
      const info = (await kernel.validate()).find((p) => p.name === name);
      if (!info) throw new CliUsageError(`plugin "${name}" is not configured; configured: ${kernel.plugins().map((p) => p.name).join(', ') || 'none'}`);
      io.stdout(`${JSON.stringify(info, null, 2)}\n`);
    });

  program
    .command('hooks')
    .description('list the kernel hook catalogue: when each hook runs and what returning means')
    .option('--json', 'machine-readable list')
    .action((options: { json?: boolean }) => {
      const hooks = describeHooks();
      if (options.json) io.stdout(`${JSON.stringify(hooks)}\n`);
      else io.stdout(table(['HOOK', 'AREA', 'CLASS', 'WHEN'], hooks.map((h) => [h.name, h.area, h.class, h.when])));
    });
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
