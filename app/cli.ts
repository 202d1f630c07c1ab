/**
 * The `moltbot` command host (commander). The kernel contributes `config` and `plugins`;
 * every other command comes from a plugin through the `cliCommands` hook.
 */
import { Command, CommanderError } from 'commander';
import { CONFIG_SECTIONS, EMBEDDED_PRESET, FIRST_PARTY, IMPLIED_PLUGINS, PLUGIN_COMMANDS } from './catalogue.ts';
import { isMoltbotError } from '../core/errors.ts';
import type { CliContext } from '../core/hook-types.ts';
import { createKernel, type Kernel } from '../core/kernel.ts';
import { registerConfigCommands } from './cli/config-commands.ts';
import { registerInfoCommands } from './cli/info-commands.ts';
import { registerPluginCreate } from './cli/plugin-create.ts';
import { CliExit, CliUsageError, type CliIo, type KernelFactory } from './cli/types.ts';
import { KERNEL_VERSION } from '../core/version.ts';

/** Exit code for a wrong command line (unknown command or flag), as in BSD `EX_USAGE`-lite shells. */
export const EXIT_USAGE = 2;

/**
 * Commands that only look (or rewrite the config): an unset `${VAR}` must not lock the operator
 * out of the tools that report it, so these load with it recorded as a problem (doctor and audit
 * show it as a finding, config validate as an error naming it) instead of failing the load.
 */
const INSPECT_COMMANDS: ReadonlySet<string> = new Set([
  'doctor', 'security audit', 'config validate', 'daemon status', 'daemon print', 'daemon install', 'daemon uninstall', 'onboard', 'plugins list',
  // Local readers (no gateway connection, no provider call): they run and end with a note.
  'plugins info', 'plugins catalogue', 'logs', 'sessions list', 'sessions inspect', 'sessions trace', 'skills list', 'skills check', 'memory status', 'backup list', 'backup verify',
]);

/** Inspect commands that report unset variables themselves (as findings or errors). */
const REPORTS_MISSING_ENV: ReadonlySet<string> = new Set(['doctor', 'security audit', 'config validate', 'onboard']);


export async function runCli(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  let exitCode = 0;
  const kernels: Kernel[] = [];
  const program = new Command('moltbot')
    .description('Self-hosted personal AI assistant gateway')
    .version(KERNEL_VERSION, '-V, --version', 'print the version')
    .option('-v, --verbose', 'debug logging')
    .option('-c, --config <file>', 'config file (default: discovered in the working directory)')
    // One line pointing at --help, not the whole help under every typo.
    .showHelpAfterError('(`moltbot --help` lists the commands and options)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  const [word, subword] = commandWords(argv.slice(2));
  const inspectOnly = INSPECT_COMMANDS.has(word ?? '') || INSPECT_COMMANDS.has(`${word} ${subword}`);
  const kernelFor: KernelFactory = () => {
    const options = program.opts<{ verbose?: boolean; config?: string }>();
    const kernel = createKernel({
      cwd: io.cwd,
      env: io.env,
      catalogue: FIRST_PARTY,
      impliedPlugins: IMPLIED_PLUGINS,
      sections: CONFIG_SECTIONS,
      preset: EMBEDDED_PRESET,
      logDestination: 2,
      handleSignals: true,
      ...(inspectOnly ? { missingEnv: 'report' as const } : {}),
      ...(options.verbose ? { logLevel: 'debug' as const } : {}),
      ...(options.config ? { configFile: options.config } : {}),
    });
    kernels.push(kernel);
    return kernel;
  };
  registerConfigCommands(program, kernelFor, io);
  registerInfoCommands(program, kernelFor, io, FIRST_PARTY, EMBEDDED_PRESET);
  registerPluginCreate(program, io);

  try {
    if (!isCoreCommand(program, word, subword)) {
      // Plugin commands exist only once plugins are set up; a broken config still gets help.
      program.parseOptions(argv.slice(2));
      await addPluginCommands(program, kernelFor(), io, (code) => { exitCode = code; }).catch((error: unknown) => {
        if (word !== undefined && word !== 'help') throw error;
        io.stderr(`note: plugin commands are unavailable (${describe(error).split('\n')[0]}); run \`moltbot config validate\`\n`);
      });
    }
    const loaded = word === undefined ? undefined : program.commands.find((command) => command.name() === word);
    const missing = word === undefined ? undefined
      : loaded === undefined ? word
        : subword !== undefined && !loaded.commands.some((command) => command.name() === subword) ? `${word} ${subword}` : undefined;
    const provider = missing === undefined ? undefined : PLUGIN_COMMANDS[missing];
    if (provider !== undefined) {
      io.stderr(`error: \`moltbot ${missing}\` comes from the "${provider}" plugin, which this config does not load; add "${provider}" to \`plugins\` in your config (e.g. "plugins": ["${provider}"]) and run it again\n`);
      return EXIT_USAGE;
    }
    await program.parseAsync(argv);
    if (inspectOnly && !REPORTS_MISSING_ENV.has(word ?? '') && !REPORTS_MISSING_ENV.has(`${word} ${subword}`)) await noteMissingEnv(kernels, io);
  } catch (error) {
    exitCode = exitCodeFor(error, io);
  } finally {
    for (const kernel of kernels) await kernel.close().catch((error: unknown) => io.stderr(`${describe(error)}\n`));
  }
  return exitCode;
}

async function addPluginCommands(program: Command, kernel: Kernel, io: CliIo, setExitCode: (code: number) => void): Promise<void> {
  await kernel.load();
  let closed: Promise<void> | undefined;
  const cli: CliContext = {
    print: (text) => io.stdout(text.endsWith('\n') ? text : `${text}\n`),
    warn: (text) => io.stderr(text.endsWith('\n') ? text : `${text}\n`),
    start: () => kernel.start(),
    problems: () => kernel.problems(),
    closed: () => (closed ??= new Promise<void>((resolve) => {
      const finish = () => void kernel.close().then(resolve, resolve);
      if (kernel.signal.aborted) finish();
      else kernel.signal.addEventListener('abort', finish, { once: true });
    })),
    setExitCode,
  };
  kernel.hooks.cliCommands.call(program, cli);
}

/** After a local reader ran on a config with unset `${VAR}`s: one line each, so nothing is hidden. */
async function noteMissingEnv(kernels: readonly Kernel[], io: CliIo): Promise<void> {
  for (const kernel of kernels) {
    if (kernel.phase !== 'registering' && kernel.phase !== 'ready') continue;
    const problems = await kernel.problems().catch(() => []);
    for (const problem of problems) {
      if (isMoltbotError(problem, 'MOLT_ERR_CONFIG_ENV_MISSING')) io.stderr(`note: ${problem.message}; \`moltbot gateway\` refuses to start until it is set\n`);
    }
  }
}

/** The first two words that are not options (`config suggest`, `plugins list`). */
function commandWords(args: readonly string[]): (string | undefined)[] {
  const words: string[] = [];
  for (let index = 0; index < args.length && words.length < 2; index++) {
    const arg = args[index]!;
    if (arg === '-c' || arg === '--config') index++;
    else if (!arg.startsWith('-')) words.push(arg);
  }
  return [words[0], words[1]];
}

/**
 * Core commands run without setting plugins up (so `config validate` works on a broken
 * config); a plugin's subcommand under a core word (`config suggest`) needs the plugins.
 */
function isCoreCommand(program: Command, word: string | undefined, subword: string | undefined): boolean {
  const command = program.commands.find((c) => c.name() === word);
  if (!command) return false;
  if (command.commands.length === 0) return true;
  return command.commands.some((c) => c.name() === subword);
}

function describe(error: unknown): string {
  if (isMoltbotError(error)) return error.describe();
  if (!(error instanceof Error)) return String(error);
  // Plugin errors carry their own code (AgentError INVALID_SESSION_KEY): show it, scripts grep it.
  const code = (error as { code?: unknown }).code;
  return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message}`;
}

function exitCodeFor(error: unknown, io: CliIo): number {
  if (error instanceof CliExit) return error.exitCode;
  if (error instanceof CliUsageError) {
    io.stderr(`error: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    // Unknown command/flag or no command at all: commander has already printed the help.
    return EXIT_USAGE;
  }
  io.stderr(`${describe(error)}\n`);
  return isMoltbotError(error) ? error.exitCode : 1;
}

function defaultIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
  };
}
