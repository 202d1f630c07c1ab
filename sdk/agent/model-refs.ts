/**
 * `provider/model` references → which wire protocol, endpoint and key. `providers.<id>` in the
 * root config says `api` and `baseURL`; ids `anthropic` and `openai` need no entry. Keys come
 * from `providers.<id>.apiKey` or the environment (`ANTHROPIC_API_KEY`, `OPENAI_API_KEY`,
 * `<ID>_API_KEY` for others). A server on a custom baseURL may need no key at all (Ollama).
 */
import { ModelCallError } from './model-error.ts';

export interface ProviderConfig {
  apiKey?: string;
  baseURL?: string;
  api?: string;
  /** The provider's models take image inputs (default: true for the Anthropic and OpenAI services). Added after v1. */
  images?: boolean;
}

export interface ResolvedModel {
  ref: string;
  providerId: string;
  model: string;
  api: string;
  baseURL?: string;
  apiKey: string;
}

export function splitRef(ref: string): { providerId: string; model: string } {
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash === ref.length - 1) throw new ModelCallError('not_configured', `model reference "${ref}" is not <provider>/<model>`);
  return { providerId: ref.slice(0, slash), model: ref.slice(slash + 1) };
}

export function keyEnvName(providerId: string): string {
  return `${providerId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`;
}

export function resolveModel(ref: string, providers: Readonly<Record<string, ProviderConfig>>, env: Readonly<Record<string, string | undefined>>): ResolvedModel {
  const { providerId, model } = splitRef(ref);
  const config = providers[providerId] ?? {};
  const api = config.api ?? (providerId === 'anthropic' ? 'anthropic' : providerId === 'openai' ? 'openai' : undefined);
  if (api === undefined) {
    throw new ModelCallError('not_configured', `provider "${providerId}" is unknown: set providers.${providerId}.api ("openai" or "anthropic") and providers.${providerId}.baseURL`);
  }
  const envName = keyEnvName(providerId);
  const apiKey = config.apiKey ?? env[envName];
  if (apiKey === undefined || apiKey === '') {
    // A local OpenAI-compatible server (Ollama, llama.cpp) takes any key; the SDK wants one.
    if (config.baseURL !== undefined && api === 'openai') return { ref, providerId, model, api, baseURL: config.baseURL, apiKey: 'no-key' };
    throw new ModelCallError('not_configured', `no API key for provider "${providerId}": set the ${envName} environment variable or providers.${providerId}.apiKey`);
  }
  return { ref, providerId, model, api, ...(config.baseURL !== undefined ? { baseURL: config.baseURL } : {}), apiKey };
}
