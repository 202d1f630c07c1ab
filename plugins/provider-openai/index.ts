/**
 * `provider-openai`: the OpenAI Chat Completions protocol for every provider configured with
 * `api: "openai"` (OpenAI itself, Ollama, vLLM, llama.cpp, LM Studio via `baseURL`). Starts with
 * no key and no network: a missing key fails the run that needs it, naming the variable.
 */
import schema from '../../schemas/plugins/provider-openai.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/provider-openai.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { modelApiRef } from '../../sdk/agent/index.ts';
import { createOpenAiApi } from './openai-api.ts';

export { createOpenAiApi, toOpenAiMessages } from './openai-api.ts';

const modelApi = modelApiRef('openai');

export default definePlugin({
  name: 'provider-openai',
  version: '1.0.0',
  kernel: '^1.0.0',
  schema,
  validate: validateOptions,
  description: 'OpenAI Chat Completions (and any compatible server via baseURL) for the agent',
  provides: [modelApi],
  setup(ctx) {
    ctx.provide(modelApi, createOpenAiApi());
  },
});
