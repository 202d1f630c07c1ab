/** history() is a reader: it never writes into a session a run is writing to. */
import { describe, expect, it } from 'vitest';
import { createTestKernel } from '../../../app/testing.ts';
import { startFakeProvider } from '../../helpers/fake-provider.ts';
import { agentServiceRef, toolRegistryRef } from '../../../sdk/agent/index.ts';

describe('agent history during a run', () => {
  it('reading a session while its tool call runs adds no "interrupted" result: the call ends with exactly one', async () => {
    const fake = await startFakeProvider();
    try {
      // No cache plugin: every history() reads the store, the case that used to repair.
      const kernel = await createTestKernel({
        config: {
          agent: { model: 'local/m' },
          providers: { local: { api: 'openai', baseURL: fake.openaiBaseURL } },
          plugins: ['session-store-file', 'provider-openai', 'agent'],
        },
      });
      let finish!: () => void;
      let started!: () => void;
      const running = new Promise<void>((resolve) => { started = resolve; });
      (kernel.use(toolRegistryRef)).register({
        name: 'slow', description: 'waits', parameters: { type: 'object', properties: {} },
        handler: () => new Promise<string>((resolve) => { started(); finish = () => resolve('done'); }),
      });
      fake.script({ toolCall: { name: 'slow', args: {}, id: 'call-1' } }, { text: 'finished' });
      const agent = kernel.use(agentServiceRef);
      const run = agent.run({ sessionKey: 'agent:main:main', message: 'go' });
      await running;
      const during = await agent.history('agent:main:main');
      expect(during.filter((m) => m.role === 'tool')).toEqual([]);
      finish();
      await run;
      const after = await agent.history('agent:main:main');
      expect(after.filter((m) => m.role === 'tool').map((m) => (m as { content: string }).content)).toEqual(['done']);
    } finally {
      await fake.close();
    }
  });
});
