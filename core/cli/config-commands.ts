/** `moltbot config validate|print`: check the effective config, or show it with secrets masked. */
import type { Command } from 'commander';
import { isMoltbotError, type MoltbotError } from '../errors.ts';
import { CliExit, type CliIo, type KernelFactory } from './types.ts';

export function registerConfigCommands(program: Command, kernelFor: KernelFactory, io: CliIo): void {
  const config = program.command('config').description('check or show the effective configuration');

  config
    .command('validate')
    .description('validate the config and every plugin\'s options without starting anything')
    .option('--json', 'machine-readable result')
    .action(async (options: { json?: boolean }) => {
      const kernel = kernelFor();
      try {
        const plugins = await kernel.validate();
        const file = kernel.configFile ?? 'no config file (embedded defaults)';
        if (options.json) io.stdout(`${JSON.stringify({ ok: true, file: kernel.configFile ?? null, plugins: plugins.map((p) => p.name) })}\n`);
        else io.stdout(`Config OK: ${file}; ${plugins.length} plugin(s): ${plugins.map((p) => p.name).join(', ') || 'none'}\n`);
      } catch (error) {
        if (options.json && isMoltbotError(error)) {
          io.stdout(`${JSON.stringify({ ok: false, error: errorJson(error) })}\n`);
          throw new CliExit(error.exitCode);
        }
        throw error;
      }
    });

  config
    .command('print')
    .description('print the effective config (files, env overrides, ${VAR}s resolved) with secrets masked')
    .action(async () => {
      const kernel = kernelFor();
      await kernel.validate();
      const printable = { ...kernel.config, plugins: (kernel.config.plugins ?? []).map(printableEntry) };
      // Every secret the root schema or a loaded plugin's schema marks, at each plugin's options position.
      io.stdout(`${JSON.stringify(kernel.secrets.mask(printable), null, 2)}\n`);
    });
}

function printableEntry(entry: unknown): unknown {
  const name = (value: unknown) => (typeof value === 'object' && value !== null && 'name' in value ? `<plugin object ${(value as { name: string }).name}>` : value);
  return Array.isArray(entry) ? [name(entry[0]), entry[1]] : name(entry);
}

function errorJson(error: MoltbotError) {
  return { code: error.code, message: error.message, path: error.path ?? null, file: error.file ?? null, fix: error.fix };
}
