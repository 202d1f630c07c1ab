/**
 * `provider-anthropic`: the Anthropic Messages protocol for every provider configured with
 * `api: "anthropic"` (and the `anthropic` provider id). Starts with no key and no network: a
 * missing key fails the run that needs it, naming ANTHROPIC_API_KEY.
 */
import schema from '../../schemas/plugins/provider-anthropic.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/provider-anthropic.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { modelApiRef } from '../../sdk/agent/index.ts';
import { createAnthropicApi } from './anthropic-api.ts';

export { createAnthropicApi, toAnthropicMessages } from './anthropic-api.ts';

const modelApi = modelApiRef('anthropic');

export default definePlugin({
  name: 'provider-anthropic',
  version: '1.0.0',
  kernel: '^1.0.0',
  schema,
  validate: validateOptions,
  description: 'Anthropic Messages API for the agent',
  provides: [modelApi],
  setup(ctx) {
    ctx.provide(modelApi, createAnthropicApi());
  },
});
