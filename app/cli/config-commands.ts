/** `moltbot config validate|print`: check the effective config, or show it with secrets masked. */
import type { Command } from 'commander';
import { isMoltbotError, type MoltbotError } from '../../core/errors.ts';
import { CliExit, type CliIo, type KernelFactory } from './types.ts';

export function registerConfigCommands(program: Command, kernelFor: KernelFactory, io: CliIo): void {
  const config = program.command('config').description('check or show the effective configuration');

  config
    .command('validate')
    .description('run every check `moltbot gateway` runs before it listens (config, plugin options, plugin setup and cross-field checks), without starting anything')
    .option('--json', 'machine-readable result')
    .action(async (options: { json?: boolean }) => {
      const kernel = kernelFor();
      try {
        // The same checks as start(), short of its `start` hook: one verdict for both (kernel.problems()).
        const problems = await kernel.problems();
        if (problems.length > 0) return reportProblems(problems, options.json === true, io);
        const plugins = kernel.plugins();
        if (options.json) io.stdout(`${JSON.stringify({ ok: true, file: kernel.configFile ?? null, files: kernel.configFiles, plugins: plugins.map((p) => p.name) })}\n`);
        else io.stdout(`Config OK: ${describeFiles(kernel.configFiles)}; ${plugins.length} plugin(s): ${plugins.map((p) => p.name).join(', ') || 'none'}\n`);
      } catch (error) {
        if (options.json && isMoltbotError(error)) {
          io.stdout(`${JSON.stringify({ ok: false, error: errorJson(error), problems: [errorJson(error)] })}\n`);
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

/** Every problem, not only the first: an operator fixes them in one pass. Exit code of the first. */
function reportProblems(problems: Error[], json: boolean, io: CliIo): never {
  const first = problems[0]!;
  if (json) {
    const list = problems.map((problem) => (isMoltbotError(problem) ? errorJson(problem) : { code: null, message: problem.message }));
    io.stdout(`${JSON.stringify({ ok: false, error: list[0], problems: list })}\n`);
  } else {
    io.stderr(`${problems.map((problem) => (isMoltbotError(problem) ? problem.describe() : `${problem.name}: ${problem.message}`)).join('\n\n')}\n`);
    if (problems.length > 1) io.stderr(`${problems.length} problems; \`moltbot gateway\` would refuse to start\n`);
  }
  throw new CliExit(isMoltbotError(first) ? first.exitCode : 1);
}

/** The files the config came from (project file over `~/.clawdbot/clawdbot.json`), or that there are none. */
export function describeFiles(files: readonly string[]): string {
  if (files.length === 0) return 'no config file (embedded defaults)';
  return files.join(' + ');
}

function printableEntry(entry: unknown): unknown {
  const name = (value: unknown) => (typeof value === 'object' && value !== null && 'name' in value ? `<plugin object ${(value as { name: string }).name}>` : value);
  return Array.isArray(entry) ? [name(entry[0]), entry[1]] : name(entry);
}

function errorJson(error: MoltbotError) {
  return { code: error.code, message: error.message, path: error.path ?? null, file: error.file ?? null, fix: error.fix };
}
