/**
 * A gateway for the MCP conformance suite: in-process, loopback only, `/mcp` enabled, the agent
 * on the fake provider, and gateway auth "none" (the suite's `server --url` mode sends no
 * credential; "none" is accepted on a loopback bind only). `npm run conformance` starts it and
 * runs the suite's active server scenarios against it.
 */
import { createTestKernel, type TestKernel } from '../../../app/testing.ts';
import { startFakeProvider, type FakeProvider } from '../../helpers/fake-provider.ts';
import { gatewayServiceRef } from '../../../sdk/gateway/index.ts';

export interface ConformanceGateway {
  mcpUrl: string;
  kernel: TestKernel;
  fake: FakeProvider;
  close(): Promise<void>;
}

export async function startConformanceGateway(): Promise<ConformanceGateway> {
  const fake = await startFakeProvider();
  const kernel = await createTestKernel({
    autoClose: false,
    start: false,
    logLevel: 'warn',
    config: {
      gateway: { bind: 'loopback', auth: { mode: 'none' } },
      agent: { model: 'fake/echo' },
      providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-key' } },
      mcp: { serve: { http: { enabled: true } } },
      preset: 'none',
      plugins: ['rate-limit', 'gateway', 'session-store-file', 'provider-openai', 'agent', 'channels', 'channel-webchat', 'mcp-server'],
    },
  });
  await kernel.load();
  const gateway = kernel.use(gatewayServiceRef);
  gateway.listenOn({ port: 0 });
  await kernel.start();
  return {
    mcpUrl: `${gateway.address()!.httpUrl}/mcp`,
    kernel,
    fake,
    async close() {
      await kernel.close();
      await fake.close();
    },
  };
}
