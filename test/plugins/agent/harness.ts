/**
 * Agent test kit: a fake provider plus a gateway kernel with the agent plugins, configured so
 * `fake/<model>` goes over the OpenAI protocol and `anth/<model>` over the Anthropic one, both
 * to the fake. Everything closes when the test finishes.
 */
import { onTestFinished } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../helpers/fake-provider.ts';
import { connectClient, startGateway, type Frame, type GatewayHarness, type TestClient } from '../gateway/helpers.ts';
import type { AgentService } from '../../../plugins/agent/index.ts';
import { agentServiceRef } from '../../../sdk/agent/index.ts';

export interface AgentHarness extends GatewayHarness {
  fake: FakeProvider;
  agent: AgentService;
  client(): Promise<TestClient>;
}

export interface AgentHarnessOptions {
  agent?: Record<string, unknown>;
  agents?: Record<string, unknown>;
  gateway?: Record<string, unknown>;
  /** Merged over the default providers; a function gets the fake provider's URLs. */
  providers?: Record<string, unknown> | ((fake: FakeProvider) => Record<string, unknown>);
  extra?: any[];
  /** The session store plugin, by name or as a plugin (default session-store-file). */
  store?: string | object;
  /** Other root config keys. */
  config?: Record<string, unknown>;
}

export async function startAgent(options: AgentHarnessOptions = {}): Promise<AgentHarness> {
  const fake = await startFakeProvider();
  onTestFinished(() => fake.close());
  const harness = await startGateway({
    gateway: options.gateway ?? {},
    extra: [options.store ?? 'session-store-file', 'provider-openai', 'provider-anthropic', 'agent', ...(options.extra ?? [])],
    config: {
      ...options.config,
      agent: { model: 'fake/primary', retryDelay: 5, ...options.agent },
      agents: { ...options.agents },
      providers: {
        fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-openai-key' },
        fake2: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-openai-key-2' },
        anth: { api: 'anthropic', baseURL: fake.url, apiKey: 'fake-anthropic-key' },
        ...(typeof options.providers === 'function' ? options.providers(fake) : options.providers),
      },
    },
  });
  return { ...harness, fake, agent: harness.kernel.use(agentServiceRef), client: () => connectClient(harness.url) };
}

/** Sends chat.send and collects the run's events until chat.final. */
export async function chat(client: TestClient, message: string, sessionKey?: string): Promise<{ response: Frame; deltas: Frame[]; final: Frame }> {
  const response = await client.request('chat.send', { message, ...(sessionKey ? { sessionKey } : {}) });
  if (!response.ok) return { response, deltas: [], final: response };
  const runId = response.payload.runId as string;
  const final = await waitFor(client, (f) => f.event === 'chat.final' && f.payload.runId === runId);
  const deltas = client.frames.filter((f) => f.event === 'chat.delta' && f.payload.runId === runId);
  return { response, deltas, final };
}

export async function waitFor(client: TestClient, match: (frame: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = client.frames.find((f) => f.type === 'event' && match(f));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(client.frames.slice(-5))}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
