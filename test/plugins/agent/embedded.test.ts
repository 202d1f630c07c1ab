/** The agent without a gateway: runs through the `agent` service; starts with no key and no network. */
import { describe, expect, it, vi } from 'vitest';
import { createTestKernel } from '../../../app/testing.ts';
import type { RunEvent } from '../../../plugins/agent/index.ts';
import { startFakeProvider } from '../../helpers/fake-provider.ts';
import { agentServiceRef } from '../../../sdk/agent/index.ts';

describe('agent embedded', () => {
  it('runs through the agent service with no gateway, streaming to the caller and subscribers', async () => {
    const fake = await startFakeProvider();
    try {
      const kernel = await createTestKernel({
        config: {
          agent: { model: 'local/llama3.1' },
          providers: { local: { api: 'openai', baseURL: fake.openaiBaseURL } },
          plugins: ['session-store-file', 'provider-openai', 'agent'],
        },
      });
      fake.script({ text: 'embedded answer', chunks: 2 });
      const agent = kernel.use(agentServiceRef);
      const seen: RunEvent[] = [];
      const own: RunEvent[] = [];
      agent.subscribe((event) => seen.push(event));
      const result = await agent.run({ sessionKey: 'agent:main:main', message: 'hi', onEvent: (e) => own.push(e) });
      expect(result).toMatchObject({ text: 'embedded answer', model: 'local/llama3.1' });
      expect(own.map((e) => e.type)).toEqual(['delta', 'delta', 'final']);
      expect(seen).toEqual(own);
      // A keyless local server gets a dummy key, never a real one from elsewhere.
      expect(fake.requests[0]!.key).toBe('no-key');
      const trace = await agent.trace(result.runId);
      expect(trace).toMatchObject({ status: 'ok', runId: result.runId });
    } finally {
      await fake.close();
    }
  });

  it('starts with no API key; the run fails naming the variable to set', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', '');
    const kernel = await createTestKernel({ config: { plugins: ['session-store-file', 'provider-anthropic', 'provider-openai', 'agent'] } });
    const error = await kernel.use(agentServiceRef).run({ sessionKey: 'agent:main:main', message: 'hi' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MODELS_UNAVAILABLE' });
    expect((error as Error).message).toMatchInlineSnapshot(`"every model failed (anthropic/claude-3-5-sonnet-20241022): anthropic/claude-3-5-sonnet-20241022: no API key for provider "anthropic": set the ANTHROPIC_API_KEY environment variable or providers.anthropic.apiKey"`);
    vi.unstubAllEnvs();
  });
});
