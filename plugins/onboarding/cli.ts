/**
 * `moltbot onboard`: interactive by default (a TTY), `--non-interactive` with flags for
 * scripts. Writes a config that passes `moltbot security audit`, creates the workspace, and
 * with `--install-daemon` installs the gateway as a user service.
 */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { expandHome } from '../../sdk/core/index.ts';
import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from '../../sdk/core/index.ts';
import { checkAnswers, DEFAULT_MODEL, DEFAULT_PASSWORD_ENV, DEFAULT_PORT, defaultKeyEnv, providerOf, type OnboardAnswers } from './answers.ts';
import { OnboardExistsError, writeOnboarding } from './onboard.ts';
import { askAnswers, OnboardCancelled, type Prompter } from './prompts.ts';

export interface OnboardDeps {
  stateDir: string;
  /** Where a relative --workspace is resolved (the command's working directory). */
  cwd: string;
  defaultWorkspace: string;
  /** Installs the user service; undefined when the daemon plugin is not loaded. */
  installDaemon?: () => Promise<{ file: string }>;
  prompter: () => Promise<Prompter>;
  isTTY: boolean;
  env: Record<string, string | undefined>;
}

interface Flags {
  nonInteractive?: boolean;
  model?: string;
  apiKeyEnv?: string;
  apiKey?: boolean;
  baseUrl?: string;
  auth?: 'token' | 'password';
  passwordEnv?: string;
  workspace?: string;
  port?: number;
  installDaemon?: boolean;
  force?: boolean;
}

function parseAuth(value: string): 'token' | 'password' {
  if (value !== 'token' && value !== 'password') throw new InvalidArgumentError('expected token or password');
  return value;
}

function parsePort(value: string): number {
  const port = /^[0-9]{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) throw new InvalidArgumentError('expected a port number from 1 to 65535');
  return port;
}

export function registerOnboardCommand(program: Command, cli: CliContext, deps: OnboardDeps): void {
  program.command('onboard')
    .description('write a secure config, create the workspace, optionally install the gateway service')
    .option('--non-interactive', 'take every answer from flags (for scripts)')
    .option('--model <provider/model>', `model reference (default ${DEFAULT_MODEL})`)
    .option('--api-key-env <NAME>', 'environment variable holding the provider key (default <PROVIDER>_API_KEY)')
    .option('--no-api-key', 'the provider needs no key (local servers)')
    .option('--base-url <url>', 'base URL of an OpenAI-compatible server')
    .option('--auth <mode>', 'gateway authentication: token (generated, default) or password (from an env variable)', parseAuth)
    .option('--password-env <NAME>', `environment variable holding the gateway password (default ${DEFAULT_PASSWORD_ENV})`)
    .option('--workspace <dir>', `agent workspace (default ${deps.defaultWorkspace})`)
    .option('--port <port>', `gateway port (default ${DEFAULT_PORT})`, parsePort)
    .option('--install-daemon', 'install and start the gateway as a user service (systemd/launchd)')
    .option('--force', 'replace an existing config')
    .action(async (flags: Flags) => {
      let answers: OnboardAnswers;
      let installDaemon = flags.installDaemon === true;
      if (flags.nonInteractive || !deps.isTTY) {
        answers = fromFlags(flags, deps);
      } else {
        try {
          const asked = await askAnswers(await deps.prompter(), { workspace: deps.defaultWorkspace, installDaemon });
          installDaemon ||= asked.installDaemon;
          answers = asked;
        } catch (error) {
          if (error instanceof OnboardCancelled) return fail(cli, error.message);
          throw error;
        }
      }
      const problems = checkAnswers(answers);
      if (problems.length > 0) return fail(cli, problems.join('\n'));
      if (installDaemon && deps.installDaemon === undefined) return fail(cli, '--install-daemon needs the "daemon" plugin; add it to `plugins`');
      // The config holds an absolute workspace: a relative one would move with the gateway's cwd.
      answers = { ...answers, workspace: resolve(deps.cwd, expandHome(answers.workspace, deps.env.HOME ?? homedir())) };
      let result;
      try {
        result = await writeOnboarding(deps.stateDir, answers, { force: flags.force === true });
      } catch (error) {
        if (error instanceof OnboardExistsError) return fail(cli, error.message);
        throw error;
      }
      cli.print(`wrote ${result.configFile}`);
      cli.print(`workspace ${result.workspace}`);
      if (result.tokenFile) cli.print(`gateway token ${result.tokenCreated ? 'generated in' : 'kept in'} ${result.tokenFile} (clients read it from there)`);
      for (const name of [answers.apiKeyEnv, answers.auth === 'password' ? answers.passwordEnv : undefined]) {
        if (name !== undefined && !deps.env[name]) cli.warn(`note: ${name} is not set here; export it (or put it in ${deps.stateDir}/gateway.env for the service) before starting the gateway`);
      }
      if (installDaemon) {
        try {
          cli.print(`service installed: ${(await deps.installDaemon!()).file}`);
        } catch (error) {
          // The config is written and fine; only the service is missing (and nothing of it is left).
          cli.warn(`the config is written, but the service is not installed: run \`moltbot daemon install\` once the cause below is fixed, or start the gateway with \`moltbot gateway\``);
          throw error;
        }
      }
    });
}

function fromFlags(flags: Flags, deps: OnboardDeps): OnboardAnswers {
  const model = flags.model ?? DEFAULT_MODEL;
  const apiKeyEnv = flags.apiKey === false ? undefined : flags.apiKeyEnv ?? defaultKeyEnv(providerOf(model));
  return {
    model,
    ...(apiKeyEnv !== undefined ? { apiKeyEnv } : {}),
    ...(flags.baseUrl !== undefined ? { baseURL: flags.baseUrl } : {}),
    auth: flags.auth ?? 'token',
    passwordEnv: flags.passwordEnv ?? DEFAULT_PASSWORD_ENV,
    workspace: flags.workspace ?? deps.defaultWorkspace,
    port: flags.port ?? DEFAULT_PORT,
  };
}

function fail(cli: CliContext, message: string): void {
  cli.warn(`error: ${message}`);
  cli.setExitCode(1);
}
