/**
 * A model provider written only against the public SDK: it provides `modelApiRef('acme-chat')`,
 * a config's `providers.<id>.api` selects it, and the agent's runs stream through it; a
 * provider failing with ModelCallError is classified like a first-party one.
 */
import { describe, expect, it } from 'vitest';
import { definePlugin } from 'moltbot/plugin-sdk/core';
import { ModelCallError, agentServiceRef, modelApiRef, type ModelCall, type ModelEvent } from 'moltbot/plugin-sdk/agent';
import { createTestKernel } from '../../../app/testing.ts';

function acmeProvider(calls: ModelCall[], fail = false) {
  const api = modelApiRef('acme-chat');
  return definePlugin({
    name: 'acme-provider',
    version: '1.0.0',
    provides: [api],
    setup(ctx) {
      ctx.provide(api, {
        api: 'acme-chat',
        keyEnv: 'ACME_API_KEY',
        async *stream(call): AsyncIterable<ModelEvent> {
          calls.push(call);
          if (fail) throw new ModelCallError('auth', 'HTTP 401: bad key', { status: 401 });
          yield { type: 'text', text: `echo: ${call.messages.at(-1)?.content}` };
          yield { type: 'done', stopReason: 'end_turn', usage: { input: 3, output: 2 } };
        },
      });
    },
  });
}

const config = {
  agent: { model: 'acme/m1' },
  providers: { acme: { api: 'acme-chat', apiKey: 'acme-key' } },
  plugins: ['session-store-file', 'agent'],
};

describe('a third-party model provider on the public SDK', () => {
  it('serves the runs of a model whose provider names its api', async () => {
    const calls: ModelCall[] = [];
    const k = await createTestKernel({ config, plugins: [acmeProvider(calls)] });
    const result = await k.use(agentServiceRef).run({ sessionKey: 'agent:main:main', message: 'hello' });
    expect(result).toMatchObject({ text: 'echo: hello', model: 'acme/m1', usage: { input: 3, output: 2 } });
    expect(calls[0]).toMatchObject({ model: 'm1', apiKey: 'acme-key' });
  });

  it('its ModelCallError is classified by the failover chain (auth: the run fails naming it)', async () => {
    const k = await createTestKernel({ config, plugins: [acmeProvider([], true)] });
    const error = await k.use(agentServiceRef).run({ sessionKey: 'agent:main:main', message: 'hello' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MODELS_UNAVAILABLE' });
    expect(k.use(agentServiceRef).modelStatus()[0]).toMatchObject({ ref: 'acme/m1', lastError: expect.stringContaining('401') });
  });
});
