/**
 * `onboarding`: `moltbot onboard` writes `<stateDir>/clawdbot.json` with secrets as `${ENV}`
 * references (or a generated token in the credentials folder), creates the workspace, and
 * can install the gateway service through the `daemon` plugin.
 */
import { definePlugin, optionalService, type PluginContext } from '../../sdk/core/index.ts';
import { daemonServiceRef, type DaemonService } from '../../sdk/ops/index.ts';
import { registerOnboardCommand } from './cli.ts';
import type { Prompter } from './prompts.ts';

export { buildConfig, checkAnswers, type OnboardAnswers } from './answers.ts';
export { writeOnboarding } from './onboard.ts';
export { askAnswers, type Prompter } from './prompts.ts';

export default definePlugin({
  name: 'onboarding',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: '`moltbot onboard`: a secure first config, the workspace, and optionally the gateway service',
  optionalDependencies: ['daemon'],
  consumes: [optionalService(daemonServiceRef)],
  setup(ctx) {
    ctx.hooks.cliCommands.tap('onboarding', (program, cli) => {
      const daemon = optionalDaemon(ctx);
      registerOnboardCommand(program, cli, {
        stateDir: ctx.paths.stateDir,
        defaultWorkspace: ctx.paths.workspace,
        cwd: ctx.paths.cwd,
        ...(daemon ? { installDaemon: () => daemon.install() } : {}),
        prompter: async () => (await import('@clack/prompts')) as unknown as Prompter,
        isTTY: process.stdin.isTTY === true && process.stdout.isTTY === true,
        env: process.env,
      });
    });
  },
});

/** The daemon plugin's service, or undefined when that plugin is not loaded. */
function optionalDaemon(ctx: PluginContext): DaemonService | undefined {
  return ctx.useOptional(daemonServiceRef);
}
