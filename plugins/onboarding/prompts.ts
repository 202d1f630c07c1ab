/**
 * The interactive questions (@clack/prompts). The prompt functions are injected so tests can
 * answer them; cancelling any question (Ctrl-C) ends onboarding without writing anything.
 */
import { DEFAULT_PASSWORD_ENV, DEFAULT_PORT, defaultKeyEnv, MODEL_CHOICES, providerOf, type OnboardAnswers } from './answers.ts';

export interface Prompter {
  select(options: { message: string; options: { value: string; label: string }[]; initialValue?: string }): Promise<string | symbol>;
  text(options: { message: string; initialValue?: string; placeholder?: string; validate?: (value: string | undefined) => string | undefined }): Promise<string | symbol>;
  confirm(options: { message: string; initialValue?: boolean }): Promise<boolean | symbol>;
}

export class OnboardCancelled extends Error {
  override name = 'OnboardCancelled';
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** `defaults.installDaemon`: `--install-daemon` was given, so the service question is not asked. */
export async function askAnswers(prompt: Prompter, defaults: { workspace: string; installDaemon?: boolean }): Promise<OnboardAnswers & { installDaemon: boolean }> {
  const answer = <T>(value: T | symbol): T => {
    if (typeof value === 'symbol') throw new OnboardCancelled('onboarding cancelled; nothing was written');
    return value;
  };
  let model = answer(await prompt.select({ message: 'Model', options: [...MODEL_CHOICES, { value: 'other', label: 'Other (provider/model)' }], initialValue: MODEL_CHOICES[0].value }));
  if (model === 'other') {
    model = answer(await prompt.text({ message: 'Model reference', placeholder: 'provider/model', validate: (v) => (/^[a-z0-9][a-z0-9-]*\/\S+$/.test(v ?? '') ? undefined : 'use provider/model') }));
  }
  const keyDefault = defaultKeyEnv(providerOf(model));
  let apiKeyEnv: string | undefined;
  if (keyDefault !== undefined) {
    apiKeyEnv = answer(await prompt.text({
      message: 'Environment variable holding the API key (the config stores only ${NAME})',
      initialValue: keyDefault,
      validate: (v) => (ENV_NAME.test(v ?? '') ? undefined : 'an upper-case variable name'),
    }));
  }
  const auth = answer(await prompt.select({
    message: 'Gateway authentication',
    options: [
      { value: 'token', label: 'Generated token (stored in the credentials folder, 0600)' },
      { value: 'password', label: 'Password from an environment variable' },
    ],
    initialValue: 'token',
  })) as OnboardAnswers['auth'];
  const passwordEnv = auth === 'password'
    ? answer(await prompt.text({ message: 'Environment variable holding the password', initialValue: DEFAULT_PASSWORD_ENV, validate: (v) => (ENV_NAME.test(v ?? '') ? undefined : 'an upper-case variable name') }))
    : DEFAULT_PASSWORD_ENV;
  const workspace = answer(await prompt.text({ message: 'Workspace folder', initialValue: defaults.workspace }));
  const installDaemon = defaults.installDaemon === true || answer(await prompt.confirm({ message: 'Install the gateway as a user service?', initialValue: false }));
  return { model, ...(apiKeyEnv !== undefined ? { apiKeyEnv } : {}), auth, passwordEnv, workspace, port: DEFAULT_PORT, installDaemon };
}
