/**
 * What onboarding asks, and the config it makes of the answers. Secrets never enter the file:
 * provider keys and the gateway password are `${ENV}` references, a generated token lives in
 * the credentials folder where `auth-token` reads it.
 */
export interface OnboardAnswers {
  /** `provider/model`, e.g. `anthropic/claude-3-5-sonnet-20241022`. */
  model: string;
  /** Env variable holding the provider key; `undefined` for keyless local servers. */
  apiKeyEnv?: string;
  /** Base URL for an OpenAI-compatible server (Ollama, vLLM…). */
  baseURL?: string;
  auth: 'token' | 'password';
  /** For auth "password": the env variable the gateway reads it from. */
  passwordEnv: string;
  workspace: string;
  port: number;
}

export const DEFAULT_MODEL = 'anthropic/claude-3-5-sonnet-20241022';
export const DEFAULT_PASSWORD_ENV = 'CLAWDBOT_GATEWAY_PASSWORD';
export const DEFAULT_PORT = 18789;

export const MODEL_CHOICES = [
  { value: 'anthropic/claude-3-5-sonnet-20241022', label: 'Anthropic Claude 3.5 Sonnet' },
  { value: 'openai/gpt-4o', label: 'OpenAI GPT-4o' },
  { value: 'ollama/llama3.1', label: 'Ollama (local, no key)' },
] as const;

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const MODEL_REF = /^[a-z0-9][a-z0-9-]*\/\S+$/;

export function providerOf(model: string): string {
  return model.slice(0, model.indexOf('/'));
}

/** The usual key variable of a provider (`ANTHROPIC_API_KEY`); none for local Ollama. */
export function defaultKeyEnv(provider: string): string | undefined {
  if (provider === 'ollama') return undefined;
  return `${provider.toUpperCase().replaceAll('-', '_')}_API_KEY`;
}

/** Problems with the answers, worded for a command line (empty when fine). */
export function checkAnswers(answers: OnboardAnswers): string[] {
  const problems: string[] = [];
  if (!MODEL_REF.test(answers.model)) problems.push(`--model must look like provider/model (got ${JSON.stringify(answers.model)})`);
  if (answers.apiKeyEnv !== undefined && !ENV_NAME.test(answers.apiKeyEnv)) problems.push('--api-key-env must be an environment variable name such as ANTHROPIC_API_KEY');
  if (!ENV_NAME.test(answers.passwordEnv)) problems.push('--password-env must be an environment variable name such as CLAWDBOT_GATEWAY_PASSWORD');
  if (!(Number.isInteger(answers.port) && answers.port >= 1 && answers.port <= 65535)) problems.push('--port must be 1-65535');
  if (answers.workspace.trim() === '') problems.push('--workspace must not be empty');
  return problems;
}

export function buildConfig(answers: OnboardAnswers): Record<string, unknown> {
  const provider = providerOf(answers.model);
  const providerConfig: Record<string, string> = {};
  if (answers.apiKeyEnv !== undefined) providerConfig.apiKey = `\${${answers.apiKeyEnv}}`;
  if (provider === 'ollama') {
    providerConfig.api = 'openai';
    providerConfig.baseURL = answers.baseURL ?? 'http://127.0.0.1:11434/v1';
  } else if (answers.baseURL !== undefined) {
    providerConfig.baseURL = answers.baseURL;
  }
  return {
    agent: { model: answers.model, workspace: answers.workspace },
    providers: { [provider]: providerConfig },
    gateway: {
      port: answers.port,
      bind: 'loopback',
      auth: answers.auth === 'password' ? { mode: 'password', password: `\${${answers.passwordEnv}}` } : { mode: 'token' },
    },
  };
}
