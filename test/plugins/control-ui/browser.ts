/**
 * Browser test kit: Debian's Chromium driven by playwright-core (never a downloaded browser),
 * with the launch flags DEVELOPERS.md lists, and a gateway with the agent, the fake model
 * provider and the plugins the dashboard pages read. Screenshots go to
 * .test-artifacts/screenshots/ (gitignored).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createFakeChannel, type FakeChannel } from '../../helpers/fake-channel.ts';
import { startFakeProvider, type FakeProvider } from '../../helpers/fake-provider.ts';
import { PASSWORD, startGateway, type GatewayHarness } from '../gateway/helpers.ts';
import { toolRegistryRef } from '../../../sdk/agent/index.ts';

export const CHROMIUM = process.env.MOLTBOT_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
export const SCREENSHOTS = join(process.cwd(), '.test-artifacts', 'screenshots');

export function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, timeout: 30_000 });
}

/** USD per million tokens of the fake model, so the usage page has costs to show. */
export const FAKE_PRICE = { input: 3, output: 15 };

/** The dashboard gateway's second agent (agents.list), beside `main`. */
export const SECOND_AGENT = 'helper';

/** A tool in approval mode `ask`: each call waits for the owner's answer. */
export const APPROVAL_TOOL = 'delete_files';

export interface DashboardHarness extends GatewayHarness {
  fake: FakeProvider;
  /** A real channel adapter run by the real `channels` service (pairing requests come from it). */
  channel: FakeChannel;
  /** Arguments of every call of APPROVAL_TOOL that the owner let run. */
  approvedCalls: unknown[];
  close(): Promise<void>;
}

/** Started in beforeAll and shared by the file's tests, so it closes itself only when asked. */
export async function startDashboardGateway(extra: unknown[] = [], options: { images?: boolean } = {}): Promise<DashboardHarness> {
  const fake = await startFakeProvider();
  const channel = createFakeChannel();
  const harness = await startGateway({
    autoClose: false,
    extra: ['session-store-file', 'provider-openai', 'agent', 'channels', channel.plugin, 'metrics', 'alerts', 'backup', 'tool-policy', ['usage', { prices: { 'fake/echo': FAKE_PRICE } }], ['control-ui', { metricsIntervalMs: 500 }], ...(extra as never[])],
    config: {
      agent: { model: 'fake/echo', retryDelay: 5 },
      agents: {
        defaults: { sandbox: { mode: 'off', approvals: { tools: { [APPROVAL_TOOL]: 'ask' } } } },
        // A second agent with its own model, so the pages can show and filter by agent.
        list: [{ id: SECOND_AGENT, name: 'Helper', model: 'fake/helper', tools: { deny: ['exec'] } }],
      },
      // `images`: the fake's model takes image parts (providers.<id>.images).
      providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-openai-key-not-secret-in-ui', ...(options.images !== undefined ? { images: options.images } : {}) } },
      channels: { [channel.adapter.id]: { dmPolicy: 'pairing' } },
    },
  });
  // A trusted tool, so a run's trace has tool time beside model time.
  harness.kernel.use(toolRegistryRef).register({
    name: 'lookup_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
    handler: async (args: { city?: string }) => {
      await new Promise((resolve) => setTimeout(resolve, 25));
      return `sunny in ${args.city ?? 'town'}`;
    },
  });
  const approvedCalls: unknown[] = [];
  harness.kernel.use(toolRegistryRef).register({
    name: APPROVAL_TOOL,
    description: 'Deletes files (asks the owner first)',
    parameters: { type: 'object', properties: { path: { type: 'string' }, apiKey: { type: 'string' } } },
    handler: async (args: unknown) => {
      approvedCalls.push(args);
      return 'deleted';
    },
  });
  return {
    ...harness,
    fake,
    approvedCalls,
    channel,
    close: async () => {
      await harness.kernel.close();
      await fake.close();
    },
  };
}

export async function logIn(page: Page, secret = PASSWORD): Promise<void> {
  await page.getByLabel('Gateway password').fill(secret);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/**
 * Form controls without a label and buttons or links without an accessible name on the page
 * (a string: the test tree is type-checked without the DOM library).
 */
export function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll('input:not([type=hidden]), textarea, select, button, a[href]')]
    .filter((el) => {
      if (el.matches('input, textarea, select')) return el.labels.length === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby');
      return (el.getAttribute('aria-label') ?? el.textContent ?? '').trim() === '';
    })
    .map((el) => el.outerHTML.slice(0, 120))`);
}

/** Screenshot of the page, after checking every control on it has an accessible name. */
export async function shot(page: Page, name: string): Promise<void> {
  const unnamed = await unnamedControls(page);
  if (unnamed.length > 0) throw new Error(`${name}: controls without an accessible name: ${unnamed.join(' | ')}`);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
