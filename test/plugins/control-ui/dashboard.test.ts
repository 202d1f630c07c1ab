import { createServer, type Server } from 'node:http';
import { alertsServiceRef } from '../../../sdk/alerts/index.ts';
import { WebSocketServer } from 'ws';
import { once } from 'node:events';
import { join } from 'node:path';
import { readTokenFile, tokenFilePath } from '../../../sdk/gateway/auth/token-file.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CONTENT_SECURITY_POLICY } from '../../../plugins/control-ui/index.ts';
import { connectClient, PASSWORD, startGateway } from '../gateway/helpers.ts';
import { APPROVAL_TOOL, FAKE_PRICE, SECOND_AGENT, launchBrowser, logIn, shot, startDashboardGateway, type DashboardHarness } from './browser.ts';
import { channelsServiceRef } from '../../../sdk/channels/index.ts';

// One browser and one gateway for the whole file; the tests run in order on one logged-in page.
let browser: Browser;
let gateway: DashboardHarness;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  [browser, gateway] = await Promise.all([launchBrowser(), startDashboardGateway()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
}, 40_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

const ui = () => `${gateway.httpUrl}/ui/`;

describe('control UI in Chromium', () => {
  it('the page comes with its CSP and X-Frame-Options; a wrong password shows a clear message', async () => {
    const response = await page.goto(ui());
    const headers = response!.headers();
    expect(headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(headers['x-frame-options']).toBe('DENY');
    await logIn(page, 'not-the-password');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Wrong password or token. Check the secret and try again.');
    expect(await page.getByLabel('Gateway password').getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'login-wrong-password');
  });

  it('logs in (secret kept in sessionStorage only) and the overview shows live metrics that follow activity', async () => {
    // By keyboard: the field is labelled, Enter submits.
    await page.getByLabel('Gateway password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    // A reload in the same tab logs in again from sessionStorage.
    await page.reload();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(await page.getByRole('link', { name: 'Overview' }).getAttribute('aria-current')).toBe('page');
    const total = page.locator('[data-metric="requests-total"]');
    await total.waitFor();
    const before = Number(await total.textContent());
    const client = await connectClient(gateway.url);
    for (let i = 0; i < 5; i++) expect((await client.request('ping', {})).ok).toBe(true);
    // The figure changes by itself: the gateway pushes metrics.tick events, the page never polls.
    await expect.poll(async () => Number(await total.textContent()), { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 5);
    expect(await page.locator('[data-metric="connections"]').textContent()).toMatch(/^[1-9]\d*$/);
    expect(await page.locator('.chart').count()).toBe(4);
    // A string: the test tree is type-checked without the DOM library.
    const storage = await page.evaluate<{ local: string; session: string; cookie: string }>('({ local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage), cookie: document.cookie })');
    expect(storage.local).not.toContain(PASSWORD);
    expect(storage.cookie).toBe('');
    expect(storage.session).toContain(PASSWORD);
    await shot(page, 'overview');
  });

  it('chat: sends a message, the reply streams in, then lands in the history; abort stops a run', async () => {
    const reply = 'The fake model answers in several streamed pieces, one after another.';
    gateway.fake.script({ toolCall: { name: 'lookup_weather', args: { city: 'Paris' } } }, { text: reply, chunks: 8 });
    await page.getByRole('link', { name: 'Chat' }).click();
    await page.getByLabel('Message').waitFor();
    // Record every text the streaming bubble shows (a string: the test tree has no DOM types).
    await page.evaluate(`(() => {
      window.__seen = [];
      new MutationObserver(() => {
        const bubble = document.querySelector('[data-testid="streaming-reply"]');
        if (bubble && window.__seen.at(-1) !== bubble.textContent) window.__seen.push(bubble.textContent);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    await page.getByLabel('Message').fill('hello from the browser');
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = page.locator('.message.assistant:not(.streaming) p', { hasText: reply });
    await answer.waitFor({ timeout: 10_000 });
    expect(await page.locator('.message.user p', { hasText: 'hello from the browser' }).count()).toBe(1);
    // The reply grew piece by piece before it was final.
    const seen = (await page.evaluate('window.__seen')) as string[];
    const partials = seen.filter((text) => text !== '' && text !== reply);
    expect(partials.length, JSON.stringify(seen)).toBeGreaterThanOrEqual(2);
    for (const text of partials) expect(reply.startsWith(text), text).toBe(true);
    await shot(page, 'chat');

    gateway.fake.script({ hang: true });
    await page.getByLabel('Message').fill('this one will hang');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('button', { name: 'Abort' }).and(page.locator(':enabled')).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 10_000 }).toBe('The run was aborted.');

    // A run another client starts in this session shows up here as it happens (sessions.subscribe).
    gateway.fake.script({ text: 'An answer to a message sent by another client.', chunks: 4 });
    const other = await connectClient(gateway.url);
    expect((await other.request('chat.send', { sessionKey: 'agent:main:main', message: 'sent from another client' })).ok).toBe(true);
    await page.locator('.message.assistant:not(.streaming) p', { hasText: 'An answer to a message sent by another client.' }).waitFor({ timeout: 10_000 });
    await page.locator('.message.user p', { hasText: 'sent from another client' }).waitFor();
  });

  it('sessions: lists the session, shows its transcript and opens a run trace with model and tool time', async () => {
    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.getByRole('button', { name: 'agent:main:main' }).click();
    await page.getByRole('heading', { name: 'Transcript of agent:main:main' }).waitFor();
    await page.getByRole('button', { name: /^Trace / }).first().click();
    await page.getByRole('heading', { name: /^Run / }).waitFor();
    expect(await page.getByTestId('model-time').textContent()).toMatch(/^\d+ ms$/);
    expect(Number((await page.getByTestId('tool-time').textContent())!.replace(' ms', ''))).toBeGreaterThan(0);
    expect(await page.locator('.span.model').count()).toBe(2);
    expect(await page.locator('.span.tool .track').getAttribute('aria-label')).toMatch(/^lookup_weather from \d+ ms to \d+ ms of \d+ ms$/);
    await shot(page, 'sessions-trace');
  });

  it('agents: lists both agents with their models; the session list filters by agent', async () => {
    gateway.fake.script({ text: 'the helper answers' });
    const client = await connectClient(gateway.url);
    const final = client.nextEvent('chat.final');
    expect((await client.request('chat.send', { sessionKey: `agent:${SECOND_AGENT}:main`, message: 'hello helper' })).ok).toBe(true);
    expect((await final).payload.text).toBe('the helper answers');
    expect(gateway.fake.requests.at(-1)!.model).toBe('helper');
    gateway.fake.script({ text: 'main answers' });
    const mainFinal = client.nextEvent('chat.final');
    await client.request('chat.send', { sessionKey: 'agent:main:ui:dm:agents', message: 'hello main' });
    expect((await mainFinal).payload.text).toBe('main answers');
    client.ws.close();

    await page.getByRole('link', { name: 'Agents' }).click();
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    const helper = page.locator(`tr[data-agent-id="${SECOND_AGENT}"]`);
    await helper.waitFor();
    expect(await helper.textContent()).toContain('fake/helper');
    expect(await helper.textContent()).toContain('exec');
    expect(await page.locator('tr[data-agent-id="main"]').textContent()).toContain('fake/echo');
    await shot(page, 'agents');

    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.locator(`tr[data-session-key="agent:${SECOND_AGENT}:main"]`).waitFor();
    // Every agent's sessions, until one agent is chosen.
    expect(await page.locator('tr[data-session-key="agent:main:ui:dm:agents"]').count()).toBe(1);
    await page.getByRole('combobox', { name: 'Agent' }).selectOption(SECOND_AGENT);
    await page.getByRole('table', { name: `Sessions of agent ${SECOND_AGENT}` }).waitFor();
    await expect.poll(() => page.locator('tr[data-session-key^="agent:main:"]').count()).toBe(0);
    expect(await page.locator(`tr[data-session-key="agent:${SECOND_AGENT}:main"]`).count()).toBe(1);
    // Its run's trace is found without the client naming the agent.
    await page.getByRole('button', { name: `agent:${SECOND_AGENT}:main` }).click();
    await page.getByRole('button', { name: /^Trace / }).first().click();
    await page.getByRole('heading', { name: /^Run / }).waitFor();
    await page.getByRole('combobox', { name: 'Agent' }).selectOption('');
  });

  it('channels: shows the channel state and approves a pairing request made through the real channels service', async () => {
    expect((await gateway.channel.inject({ sender: 'alice-42', senderName: 'Alice', text: 'hi bot' })).status).toBe('pairing');
    await page.getByRole('link', { name: 'Channels' }).click();
    await page.getByRole('rowheader', { name: 'fake' }).waitFor();
    expect(await page.locator('.state').first().textContent()).toBe('connected');
    await page.getByRole('button', { name: 'Approve Alice on fake' }).waitFor();
    // A request made while the page is open shows up by itself (pairing.requested event).
    expect((await gateway.channel.inject({ sender: 'mallory-7', senderName: 'Mallory', text: 'let me in' })).status).toBe('pairing');
    await page.getByRole('button', { name: 'Reject Mallory on fake' }).waitFor();
    await shot(page, 'channels');
    await page.getByRole('button', { name: 'Approve Alice on fake' }).click();
    await page.getByRole('status').filter({ hasText: 'Approved Alice on fake.' }).waitFor();
    await page.getByRole('button', { name: 'Reject Mallory on fake' }).click();
    await page.getByRole('status').filter({ hasText: 'Rejected Mallory on fake.' }).waitFor();
    await page.getByText('No pairing request is waiting.').waitFor();
    const channels = gateway.kernel.use(channelsServiceRef);
    expect(channels.pairing.approved('fake')).toEqual(['alice-42']);
    expect(channels.pairing.list()).toEqual([]);
    // Alice is in now: her next message is accepted instead of asking for pairing again.
    gateway.fake.script({ text: 'welcome' });
    expect((await gateway.channel.inject({ sender: 'alice-42', text: 'hello again' })).status).toBe('accepted');
  });

  it('alerts: shows an active alert raised in the gateway (reached by keyboard; focus moves to the page)', async () => {
    await gateway.kernel.use(alertsServiceRef).raise({ id: 'test.disk', severity: 'warning', message: 'Disk almost full on the test host' });
    await page.getByRole('link', { name: 'Alerts' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    await expect.poll(() => page.evaluate('document.activeElement.id')).toBe('main');
    await page.getByRole('heading', { name: 'Active (1)' }).waitFor();
    expect(await page.getByRole('rowheader', { name: 'test.disk' }).count()).toBe(2);
    // Raised while the page is open: it appears by itself (the gateway's `alert` event).
    await gateway.kernel.use(alertsServiceRef).raise({ id: 'test.cpu', severity: 'critical', message: 'CPU pegged on the test host' });
    await page.getByRole('heading', { name: 'Active (2)' }).waitFor();
    await shot(page, 'alerts');
  });

  it('approvals: a tool call waiting for the owner shows a live prompt on the open page; Allow once runs it, Deny refuses it', async () => {
    const secret = 'sk-live-must-not-reach-the-page';
    const client = await connectClient(gateway.url);
    const ask = async (sessionKey: string, path: string) => {
      gateway.fake.script({ toolCall: { name: APPROVAL_TOOL, args: { path, apiKey: secret } } }, { text: `done with ${path}` });
      const final = client.nextEvent('chat.final');
      const sent = await client.request('chat.send', { sessionKey, message: `delete ${path}` });
      expect(sent.ok, JSON.stringify(sent.error)).toBe(true);
      return final;
    };
    // The Alerts page is open: the prompt is not tied to a page.
    const first = ask('agent:main:ui:dm:approve-once', 'old-logs');
    const prompt = page.getByRole('alertdialog', { name: 'Approval needed (1)' });
    await prompt.waitFor({ timeout: 10_000 });
    const text = await prompt.textContent();
    expect(text).toContain(APPROVAL_TOOL);
    expect(text).toContain('old-logs');
    expect(text).toContain('agent:main:ui:dm:approve-once');
    expect(text).not.toContain(secret);
    await shot(page, 'approval-prompt');
    await page.getByRole('button', { name: `Allow once: ${APPROVAL_TOOL}` }).click();
    expect((await first).payload.text).toBe('done with old-logs');
    expect(gateway.approvedCalls).toEqual([{ path: 'old-logs', apiKey: secret }]);
    await prompt.waitFor({ state: 'detached' });

    const second = ask('agent:main:ui:dm:deny', 'photos');
    await page.getByRole('button', { name: `Deny: ${APPROVAL_TOOL}` }).click();
    await second;
    expect(gateway.approvedCalls).toHaveLength(1);
    const toolResult = JSON.stringify(gateway.fake.requests.at(-1)!.body);
    expect(toolResult).toContain(`the owner denied \\"${APPROVAL_TOOL}\\"`);
    await page.getByRole('alertdialog').waitFor({ state: 'detached' });
    client.ws.close();
  });

  it('usage: tokens and cost of the runs so far, by model and by agent, with daily charts', async () => {
    await page.getByRole('link', { name: 'Usage' }).click();
    await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor();
    const row = page.locator('tr[data-usage-key="fake/echo"]');
    await row.waitFor();
    const calls = Number(await row.locator('td').first().textContent());
    // The chat and approval runs of the earlier tests made model calls.
    expect(calls).toBeGreaterThanOrEqual(3);
    // The agents test's helper agent ran on fake/helper, which has no price: counted, not costed.
    const helperCalls = Number(await page.locator('tr[data-usage-key="fake/helper"] td').first().textContent());
    expect(helperCalls).toBe(1);
    expect(await page.locator('tr[data-usage-key="fake/helper"] td').last().textContent()).toBe('no price');
    expect(await page.getByTestId('usage-total').textContent()).toContain(`${calls + helperCalls} model calls`);
    // Cost from the configured price: input and output tokens as the row shows them.
    const cells = (await row.locator('td').allTextContents()).map((cell) => cell.replace(/[,\s]/g, ''));
    const [input, , output] = cells.slice(1, 4).map(Number) as [number, number, number];
    expect(input).toBeGreaterThan(0);
    expect(cells[4]).toBe(`$${((input * FAKE_PRICE.input + output * FAKE_PRICE.output) / 1e6).toFixed(4)}`);
    expect(await page.locator('.chart').count()).toBe(2);
    // A new run appears after Refresh.
    gateway.fake.script({ text: 'one more' });
    const client = await connectClient(gateway.url);
    const final = client.nextEvent('chat.final');
    await client.request('chat.send', { sessionKey: 'agent:main:ui:dm:usage', message: 'count me' });
    await final;
    client.ws.close();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(async () => Number(await row.locator('td').first().textContent())).toBe(calls + 1);
    await page.getByLabel('Group by').selectOption('agent');
    await page.locator('tr[data-usage-key="main"]').waitFor();
    await shot(page, 'usage');
  });

  it('config: secrets are masked, and an edited config is checked with each problem\'s path', async () => {
    await page.getByRole('link', { name: 'Config' }).click();
    const editor = page.getByLabel('Config (JSON)');
    await expect.poll(() => editor.inputValue()).toContain('"gateway"');
    const shown = await editor.inputValue();
    expect(shown).toContain('[REDACTED]');
    expect(shown).not.toContain(PASSWORD);
    expect(shown).not.toContain('fake-openai-key-not-secret-in-ui');
    // As shown, masked secrets and all, it is the running config: valid.
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.getByRole('status').filter({ hasText: 'The config is valid.' }).waitFor();
    // Valid for the schema, refused by the agent plugin's own check (as a restart would refuse it).
    await editor.fill(JSON.stringify({ ...JSON.parse(shown), bindings: [{ agentId: 'nobody', match: { channel: 'webchat' } }] }, null, 2));
    await page.getByRole('button', { name: 'Validate' }).click();
    await expect.poll(async () => (await page.locator('.issues li').allTextContents()).join('\n')).toContain('nobody');
    await editor.fill(JSON.stringify({ gateway: { port: 'abc', bindd: 'loopback' } }, null, 2));
    await page.getByRole('button', { name: 'Validate' }).click();
    const issues = page.locator('.issues li');
    await issues.first().waitFor();
    const text = (await issues.allTextContents()).join('\n');
    expect(text).toContain('gateway.port');
    expect(text).toContain('bindd');
    await shot(page, 'config');
  });

  it('backups: creates an archive and verifies it', async () => {
    await page.getByRole('link', { name: 'Backups' }).click();
    await page.getByRole('button', { name: 'Create backup now' }).click();
    await page.getByRole('status').filter({ hasText: /^Created moltbot-backup-/ }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: /^Verify moltbot-backup-/ }).first().click();
    await page.getByRole('status').filter({ hasText: /OK, \d+ files/ }).waitFor({ timeout: 15_000 });
    await shot(page, 'backups');
  });

  it('a page served from another origin cannot open the gateway WebSocket (Origin refused)', async () => {
    const foreign: Server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<!doctype html><title>foreign</title><script>
        const ws = new WebSocket(${JSON.stringify(gateway.url)});
        ws.onopen = () => { document.title = 'opened'; };
        ws.onclose = (event) => { document.title = 'closed ' + event.code; };
      </script>`);
    });
    foreign.listen(0, '127.0.0.1');
    await once(foreign, 'listening');
    const other = await context.newPage();
    try {
      const { port } = foreign.address() as { port: number };
      await other.goto(`http://127.0.0.1:${port}/`);
      await expect.poll(() => other.title(), { timeout: 10_000 }).toMatch(/^closed|^opened/);
      expect(await other.title()).toBe('closed 1006');
      expect(gateway.kernel.logs.some((record) => JSON.stringify(record).includes('origin not allowed'))).toBe(true);
    } finally {
      await other.close();
      foreign.close();
    }
  });

  it('AU-11: a gateway URL in the query string or hash is never followed; the secret goes only to the page\'s own origin', async () => {
    // The attacker's WebSocket server records every connection and frame it gets.
    const attacker = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(attacker, 'listening');
    const seen: string[] = [];
    attacker.on('connection', (socket, request) => {
      seen.push(`connection from ${request.headers.origin}`);
      socket.on('message', (data) => seen.push(String(data)));
    });
    const evil = `ws://127.0.0.1:${(attacker.address() as { port: number }).port}/`;
    const victim = await context.newPage();
    try {
      const query = ['gatewayUrl', 'gateway', 'url', 'ws', 'host'].map((key) => `${key}=${encodeURIComponent(evil)}`).join('&');
      await victim.goto(`${ui()}?${query}#/overview?gatewayUrl=${encodeURIComponent(evil)}`);
      await expect.poll(() => victim.textContent('#login-where')).toBe(`Gateway: ${gateway.url}`);
      await logIn(victim);
      await victim.getByRole('heading', { name: 'Overview' }).waitFor();
      expect(seen).toEqual([]);
    } finally {
      await victim.close();
      attacker.close();
    }
  });

  it('a gateway with no password configured (the embedded default): logs in with the generated token; missing plugins are named', async () => {
    const bare = await startGateway({ gateway: { auth: { mode: 'password' } }, extra: ['control-ui'] });
    const token = await readTokenFile(tokenFilePath(join(bare.kernel.tempDir, 'state')));
    expect(token).toBeDefined();
    const other = await context.newPage();
    try {
      await other.goto(`${bare.httpUrl}/ui/`);
      await other.getByRole('radio', { name: 'Token' }).check();
      await other.getByLabel('Gateway token').fill(token!);
      await other.getByRole('button', { name: 'Log in' }).click();
      await other.getByRole('heading', { name: 'Overview' }).waitFor();
      await expect.poll(() => other.getByRole('alert').textContent()).toBe('This gateway has no live metrics (the metrics plugin is not loaded).');
      await other.getByRole('link', { name: 'Backups' }).click();
      await expect.poll(() => other.getByRole('alert').first().textContent()).toBe('This gateway has no "backups.list" method (is its plugin loaded?).');
    } finally {
      await other.close();
    }
  });

  it('after repeated wrong passwords the login page says how long to wait (runs last: it locks this address out)', async () => {
    const other = await context.newPage();
    try {
      await other.goto(ui());
      let text = '';
      for (let attempt = 0; attempt < 12 && !text.startsWith('Too many'); attempt++) {
        await logIn(other, `wrong-${attempt}`);
        await expect.poll(async () => (await other.getByRole('alert').textContent().catch(() => '')) ?? '').not.toBe('');
        text = (await other.getByRole('alert').textContent()) ?? '';
      }
      expect(text).toMatch(/^Too many failed attempts\. Try again in \d+ s\.$/);
      await shot(other, 'login-locked-out');
    } finally {
      await other.close();
    }
  });

  it('the dashboard logged no console error or CSP violation on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
