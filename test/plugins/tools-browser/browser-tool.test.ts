/**
 * The browser tool against real Chromium (/usr/bin/chromium) and pages served by the test on
 * 127.0.0.1. One kernel (gateway + agent + resources + tool-policy + tools-browser) is shared
 * by the tests, so most reuse one browser, but each test opens the page it needs and asserts
 * nothing another test left behind (each stands on its own); the lifecycle tests boot their own.
 */
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { resourcesServiceRef } from '../../../sdk/ops/index.ts';
import { browserPoolRef } from '../../../plugins/tools-browser/index.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestKernel, type TestKernel } from '../../../app/testing.ts';
import type { ToolRegistry } from '../../../sdk/agent/tool-registry.ts';
import { profileName } from '../../../plugins/tools-browser/browser-pool.ts';
import { processTree } from '../../../plugins/tools-browser/process-tree.ts';
import { freePort } from '../../helpers/net.ts';
import { startSite, type Site } from './site.ts';
import { gatewayServiceRef } from '../../../sdk/gateway/index.ts';

const MAIN = 'agent:main:main';
type Result = Record<string, any>;

let site: Site;
let kernel: TestKernel;
let gatewayPort: number;

function browserTool(k: TestKernel) {
  const tool = (k.use('tools') as ToolRegistry).get('browser');
  if (tool === undefined) throw new Error('browser tool not registered');
  return (args: Record<string, unknown>, sessionKey = MAIN) =>
    tool.handler(args, { runId: 'test', sessionKey, signal: new AbortController().signal }) as Promise<Result>;
}
const codeOf = (work: Promise<unknown>) => work.then(() => 'ok', (e: { code?: string; message: string }) => e.code ?? e.message);
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*?\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
const processesNaming = (text: string) => readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number).filter((pid) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(text);
  } catch {
    return false;
  }
});
/** The ref of the first snapshot line matching `pattern`. */
const refOf = (snapshot: string, pattern: RegExp): string => {
  const line = snapshot.split('\n').find((text) => pattern.test(text));
  const ref = line && /\[ref=([a-z0-9]+)\]/.exec(line)?.[1];
  if (!ref) throw new Error(`no ref for ${pattern} in:\n${snapshot}`);
  return ref;
};

beforeAll(async () => {
  site = await startSite();
  gatewayPort = await freePort();
  kernel = await createTestKernel({
    start: false,
    autoClose: false,
    config: {
      gateway: { bind: 'loopback', auth: { mode: 'password', password: 'correct-horse-battery-staple-7' } },
      tools: { browser: { maxInstances: 2, timeout: 2500, memoryLimit: 300, allowedHosts: [`127.0.0.1:${site.port}`, `127.0.0.1:${gatewayPort}`, '*'] } },
      plugins: ['rate-limit', 'auth-password', 'gateway', 'session-store-file', 'agent', 'resources', 'tool-policy', 'tools-browser'],
    },
  });
  await kernel.load();
  kernel.use(gatewayServiceRef).listenOn({ port: gatewayPort });
  await kernel.start();
});

afterAll(async () => {
  await kernel?.close();
  await site?.close();
});

describe('browser tool', () => {
  it('opens a page: the snapshot shows its text and element refs; the profile folder is 0700', async () => {
    const browser = browserTool(kernel);
    const opened = await browser({ action: 'open', url: `${site.url}/` });
    expect(opened).toMatchObject({ status: 200, url: `${site.url}/`, title: 'Moltbot test', truncated: false });
    expect(opened.snapshot).toContain('heading "Hello Moltbot"');
    expect(opened.snapshot).toMatch(/textbox "Your name" \[ref=e\d+\]/);
    expect(opened.snapshot).toMatch(/button "Send form" \[ref=e\d+\]/);
    const again = await browser({ action: 'snapshot' });
    expect(again.snapshot).toBe(opened.snapshot);
    const profiles = join(kernel.tempDir, 'state', 'browser', 'profiles');
    expect(statSync(profiles).mode & 0o777).toBe(0o700);
  });

  it('fills and submits a form by ref (type + select + click): the server sees the values', async () => {
    const browser = browserTool(kernel);
    const page = await browser({ action: 'open', url: `${site.url}/` });
    await browser({ action: 'type', ref: refOf(page.snapshot, /textbox "Your name"/), text: 'Ada Lovelace' });
    const selected = await browser({ action: 'select', ref: refOf(page.snapshot, /combobox/), values: ['blue'] });
    expect(selected.selected).toEqual(['blue']);
    const after = await browser({ action: 'click', ref: refOf(page.snapshot, /button "Send form"/) });
    expect(site.submissions).toEqual(['name=Ada+Lovelace&colour=blue']);
    expect(after.snapshot).toContain('heading "Thanks Ada Lovelace"');
    expect(await codeOf(browser({ action: 'click', ref: 'e999' }))).toBe('MOLT_ERR_TOOL_BROWSER_UNKNOWN_REF');
    expect(await codeOf(browser({ action: 'type', ref: 'e1' }))).toBe('MOLT_ERR_TOOL_INVALID_ARGS');
  });

  it('a link opening a new tab moves the tool to that tab', async () => {
    const browser = browserTool(kernel);
    const tabs = await browser({ action: 'open', url: `${site.url}/tabs` });
    const after = await browser({ action: 'click', ref: refOf(tabs.snapshot, /link "Open the form in a new tab"/) });
    expect(after.url).toBe(`${site.url}/`);
    expect(after.snapshot).toContain('heading "Hello Moltbot"');
  });

  it('saves a screenshot as a PNG file in the workspace and returns its path', async () => {
    const browser = browserTool(kernel);
    await browser({ action: 'open', url: `${site.url}/` });
    const shot = await browser({ action: 'screenshot' });
    expect(shot.path).toMatch(/^screenshots\/browser-.*\.png$/);
    const file = readFileSync(join(kernel.tempDir, 'clawd', shot.path));
    expect(file.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(file.length).toBe(shot.bytes);
    // A symlink planted as screenshots/ does not lead the write out of the workspace.
    const outside = mkdtempSync(join(tmpdir(), 'moltbot-outside-'));
    try {
      renameSync(join(kernel.tempDir, 'clawd', 'screenshots'), join(kernel.tempDir, 'clawd', 'screenshots-old'));
      symlinkSync(outside, join(kernel.tempDir, 'clawd', 'screenshots'));
      expect(await codeOf(browser({ action: 'screenshot' }))).toBe('MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE');
      expect(readdirSync(outside)).toEqual([]);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('a page that never loads fails with a timeout; the browser stays usable', async () => {
    const browser = browserTool(kernel);
    await browser({ action: 'open', url: `${site.url}/` });
    const error = await browser({ action: 'navigate', url: `${site.url}/hang` }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MOLT_ERR_TOOL_BROWSER_TIMEOUT' });
    expect((error as Error).message).toContain('2500 ms (tools.browser.timeout)');
    expect((await browser({ action: 'navigate', url: `${site.url}/` })).snapshot).toContain('Hello Moltbot');
  });

  it('blocks private, metadata and loopback destinations, the gateway port, and names resolving to loopback', async () => {
    const browser = browserTool(kernel);
    const blocked = async (url: string) => {
      const error = await browser({ action: 'navigate', url }).catch((e: { code: string; message: string }) => e);
      expect(error).toMatchObject({ code: 'MOLT_ERR_TOOL_BROWSER_BLOCKED' });
      return (error as Error).message;
    };
    expect(await blocked('http://10.0.0.7/')).toMatch(/private, loopback, link-local/);
    expect(await blocked('http://169.254.169.254/latest/meta-data/')).toMatch(/169\.254\.169\.254:80 is a private/);
    expect(await blocked(`http://127.0.0.1:${site.bystander.port}/`)).toMatch(/private, loopback/);
    expect(await blocked(`http://[::ffff:127.0.0.1]:${site.bystander.port}/`)).toMatch(/private, loopback/);
    // Allowed exactly in allowedHosts, and still refused: it is the gateway's own port.
    expect(await blocked(`http://127.0.0.1:${gatewayPort}/healthz`)).toMatch(/gateway\/control port/);
    expect(await blocked(`http://localhost:${site.port}/`)).toMatch(/localhost:\d+ resolves to (127\.0\.0\.1|::1)/);
    expect(await blocked('file:///etc/passwd')).toMatch(/file: URLs are not allowed/);
    expect(site.bystander.hits).toEqual([]);
  });

  it('subresources, fetch, WebSockets and redirect hops to a blocked host never reach it', async () => {
    const browser = browserTool(kernel);
    const page = await browser({ action: 'open', url: `${site.url}/reach-out` });
    expect(page.snapshot).toContain('Reaching out');
    // The fetch and the socket may still be in flight when the load event fires: read again.
    const later = await browser({ action: 'snapshot' });
    const reasons = [...(page.blocked ?? []), ...(later.blocked ?? [])].map((entry: { url: string }) => entry.url);
    expect(reasons).toEqual(expect.arrayContaining([`http://127.0.0.1:${site.bystander.port}/pixel.png`]));
    // Playwright's route does not see redirect hops: the egress proxy refuses the second hop.
    const redirected = await browser({ action: 'navigate', url: `${site.url}/redirect` }).catch((e: { code: string }) => e);
    if ('code' in redirected) expect(redirected.code).toBe('MOLT_ERR_TOOL_BROWSER_BLOCKED');
    else expect(redirected).toMatchObject({ status: 403 });
    expect(site.bystander.hits).toEqual([]);
  });

  it('a WebSocket to an allowed host works through the route and the egress proxy', async () => {
    const browser = browserTool(kernel);
    let page = await browser({ action: 'open', url: `${site.url}/chat` });
    for (let attempt = 0; attempt < 200 && !/echo: |socket failed/.test(page.snapshot); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      page = await browser({ action: 'snapshot' });
    }
    expect(page.snapshot).toContain('echo: ping');
  });

  it('maxInstances holds through the resources manager: an extra session gets a clear error at once', async () => {
    const browser = browserTool(kernel);
    await browser({ action: 'open', url: `${site.url}/` });
    await browser({ action: 'open', url: `${site.url}/` }, 'agent:helper:main');
    expect(kernel.use(resourcesServiceRef).status().active.browser).toBe(2);
    const error = await browser({ action: 'open', url: `${site.url}/` }, 'agent:third:main').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MOLT_ERR_TOOL_BROWSER_BUSY' });
    expect((error as Error).message).toMatch(/2 of 2 browser slots in use.*tools\.browser\.maxInstances/);
    expect(await browser({ action: 'close' }, 'agent:helper:main')).toEqual({ closed: true });
    expect((await browser({ action: 'open', url: `${site.url}/` }, 'agent:third:main')).status).toBe(200);
    // Idle instances are closed by the sweep (idleTtlMs); their slot comes back.
    expect(await kernel.use(browserPoolRef).sweepIdle(Date.now() + 300_001)).toBe(2);
    expect(kernel.use(resourcesServiceRef).status().active.browser ?? 0).toBe(0);
    expect(await codeOf(browser({ action: 'snapshot' }, 'agent:third:main'))).toBe('MOLT_ERR_TOOL_BROWSER_NOT_OPEN');
  });

  it('a page over memoryLimit is closed with a clear error; the next open works', async () => {
    const browser = browserTool(kernel);
    await browser({ action: 'close' });
    const others = kernel.use(browserPoolRef).size;
    // The page allocates once the test says so: a page still growing when its action ends (the
    // load event came, its script had not finished) measured under the limit on CI.
    expect((await browser({ action: 'open', url: `${site.url}/alloc?mb=400&when=go` })).snapshot).toContain('Allocating');
    await site.go();
    // Every action ends with a memory check (and the watchdog checks between actions).
    let error: unknown;
    await vi.waitFor(async () => {
      error = await browser({ action: 'snapshot' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
    }, { timeout: 10_000, interval: 50 });
    expect(error).toMatchObject({ code: 'MOLT_ERR_TOOL_BROWSER_MEMORY' });
    expect((error as Error).message).toMatch(/renderer used \d+ MB, over tools\.browser\.memoryLimit 300 MB; the browser of this session was closed/);
    expect(kernel.use(browserPoolRef).size).toBe(others);
    expect(await codeOf(browser({ action: 'snapshot' }))).toBe('MOLT_ERR_TOOL_BROWSER_NOT_OPEN');
    expect((await browser({ action: 'open', url: `${site.url}/alloc?mb=20` })).snapshot).toContain('Allocating');
  });

  it('a browser the watchdog closed between actions: the session\'s next action says why, once', async () => {
    const browser = browserTool(kernel);
    await browser({ action: 'close' });
    const pool = kernel.use(browserPoolRef);
    const others = pool.size;
    const othersOpen = pool.pids().length;
    /**
     * A page that goes over memoryLimit after its action; the watchdog's tick closes its browser.
     * Returns as soon as the browser has left the pool, while its processes are still going.
     */
    const overLimitBetweenActions = async () => {
      await browser({ action: 'open', url: `${site.url}/alloc?mb=400&when=go` });
      await site.go();
      await vi.waitFor(() => {
        pool.checkMemory(); // the watchdog's tick
        expect(pool.pids().length).toBe(othersOpen);
      }, { timeout: 10_000, interval: 20 });
    };
    await overLimitBetweenActions();
    const error = await browser({ action: 'snapshot' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MOLT_ERR_TOOL_BROWSER_MEMORY' });
    expect((error as Error).message).toMatch(/renderer used \d+ MB, over tools\.browser\.memoryLimit 300 MB/);
    // Reported once the browser's processes are gone and its slot is free (failed on CI: 1 ≠ 0).
    expect(pool.size).toBe(others);
    expect(await codeOf(browser({ action: 'snapshot' }))).toBe('MOLT_ERR_TOOL_BROWSER_NOT_OPEN');
    // Closing, or opening again, forgets it.
    await overLimitBetweenActions();
    expect(await browser({ action: 'close' })).toEqual({ closed: false });
    expect(pool.size).toBe(others);
    expect(await codeOf(browser({ action: 'snapshot' }))).toBe('MOLT_ERR_TOOL_BROWSER_NOT_OPEN');
    await overLimitBetweenActions();
    expect((await browser({ action: 'open', url: `${site.url}/` })).snapshot).toContain('Hello Moltbot');
    expect((await browser({ action: 'snapshot' })).snapshot).toContain('Hello Moltbot');
  });

  it('Chromium killed mid-action: the action fails with a tool error and the next call works', async () => {
    const browser = browserTool(kernel);
    await browser({ action: 'open', url: `${site.url}/` });
    const profile = join(kernel.tempDir, 'state', 'browser', 'profiles', profileName(MAIN));
    const pid = kernel.use(browserPoolRef).pids().find((candidate) => processesNaming(`--user-data-dir=${profile}`).includes(candidate));
    expect(pid).toBeGreaterThan(0);
    const arrived = site.nextHang();
    const pending = browser({ action: 'navigate', url: `${site.url}/hang` }).catch((e: unknown) => e);
    await arrived;
    process.kill(pid!, 'SIGKILL');
    expect(await pending).toMatchObject({ code: 'MOLT_ERR_TOOL_BROWSER_CRASHED' });
    // The killed browser's children (re-parented, not below it any more) are gone too, already
    // when the crash is reported.
    expect(processesNaming(`--user-data-dir=${profile}`).filter(alive)).toEqual([]);
    const reopened = await browser({ action: 'open', url: `${site.url}/` });
    expect(reopened.snapshot).toContain('Hello Moltbot');
    expect(kernel.use(browserPoolRef).pids()).not.toContain(pid);
  });

  it('Chromium killed between actions: the next action says it crashed, then a new open works', async () => {
    const browser = browserTool(kernel);
    const pool = kernel.use(browserPoolRef);
    await browser({ action: 'open', url: `${site.url}/` });
    const profile = join(kernel.tempDir, 'state', 'browser', 'profiles', profileName(MAIN));
    const pid = pool.pids().find((candidate) => processesNaming(`--user-data-dir=${profile}`).includes(candidate));
    expect(pid).toBeGreaterThan(0);
    process.kill(pid!, 'SIGKILL');
    await vi.waitFor(() => expect(pool.pids()).not.toContain(pid), { timeout: 10_000, interval: 20 });
    const error = await browser({ action: 'snapshot' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MOLT_ERR_TOOL_BROWSER_CRASHED' });
    expect((error as Error).message).toBe('the browser process ended; it was discarded and the next call starts a new one');
    expect((await browser({ action: 'open', url: `${site.url}/` })).snapshot).toContain('Hello Moltbot');
  });

  it('is denied in a non-main session by the sandbox policy, allowed in the main one', async () => {
    const call = (sessionKey: string) => kernel.hooks.beforeToolCall.promise({ runId: 'r', callId: 'c', name: 'browser', args: {}, sessionKey });
    expect(await call('agent:main:telegram:dm:42')).toEqual({ deny: 'tool "browser" is denied in sandboxed sessions (the default sandbox denylist)' });
    expect(await call(MAIN)).toBeUndefined();
  });

  it('reports metrics and a doctor check', async () => {
    const metrics = async () => {
      const figures: Record<string, number> = {};
      await kernel.hooks.collectMetrics.promise({ set: (name, value, labels) => void (figures[`${name}${labels ? JSON.stringify(labels) : ''}`] = value) });
      return figures;
    };
    const browser = browserTool(kernel);
    await browser({ action: 'close' });
    const before = await metrics();
    await browser({ action: 'open', url: `${site.url}/` });
    expect(await codeOf(browser({ action: 'navigate', url: 'http://10.0.0.7/' }))).toBe('MOLT_ERR_TOOL_BROWSER_BLOCKED');
    const figures = await metrics();
    expect(figures.instances).toBe(before.instances! + 1);
    expect(figures.max_instances).toBe(2);
    expect(figures['actions_total{"action":"open"}']).toBe(before['actions_total{"action":"open"}']! + 1);
    expect(figures['actions_total{"action":"navigate"}']).toBe(before['actions_total{"action":"navigate"}']! + 1);
    expect(figures['errors_total{"code":"MOLT_ERR_TOOL_BROWSER_BLOCKED"}']).toBe((before['errors_total{"code":"MOLT_ERR_TOOL_BROWSER_BLOCKED"}'] ?? 0) + 1);
    const checks: { id: string; severity: string; description: string }[] = [];
    await kernel.hooks.diagnose.promise({ add: (check) => void checks.push(check) });
    expect(checks.find((check) => check.id === 'browser.chromium')).toMatchObject({ severity: 'ok', description: expect.stringMatching(/started headless/) });
    const findings: { id: string; severity: string; description: string }[] = [];
    await kernel.hooks.audit.promise({ add: (check) => void findings.push(check) });
    const mine = findings.filter((finding) => finding.id.startsWith('tools.browser.'));
    expect(mine.map((finding) => [finding.id, finding.severity])).toEqual([['tools.browser.private_hosts_allowed', 'warning']]);
    expect(mine[0]!.description).toContain(`opens 127.0.0.1:${site.port}, 127.0.0.1:${gatewayPort}:`);
  });
});

describe('browser lifecycle', () => {
  it('without the resources plugin a local semaphore holds maxInstances; idle and kernel close leave no Chromium process', async () => {
    const local = await startSite();
    try {
      const own = await createTestKernel({
        config: { tools: { browser: { maxInstances: 1, timeout: 5000, idleTtlMs: 1000, allowedHosts: [`127.0.0.1:${local.port}`] } }, plugins: ['session-store-file', 'agent', ['tools-browser', { watchdogIntervalMs: 100 }]] },
      });
      const browser = browserTool(own);
      const treePids = () => own.use(browserPoolRef).pids().flatMap((pid) => processTree(pid).map((proc) => proc.pid));
      await browser({ action: 'open', url: `${local.url}/` });
      expect(await codeOf(browser({ action: 'open', url: `${local.url}/` }, 'agent:other:main'))).toBe('MOLT_ERR_TOOL_BROWSER_BUSY');
      // The watchdog closes the idle browser (idleTtlMs) and its processes; the slot comes back.
      const idlePids = treePids();
      expect(idlePids.length).toBeGreaterThan(2);
      for (let attempt = 0; attempt < 200 && own.use(browserPoolRef).size > 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(own.use(browserPoolRef).size).toBe(0);
      expect(idlePids.filter(alive)).toEqual([]);
      expect(await codeOf(browser({ action: 'snapshot' }))).toBe('MOLT_ERR_TOOL_BROWSER_NOT_OPEN');
      await browser({ action: 'open', url: `${local.url}/` }, 'agent:other:main');
      const pids = treePids();
      expect(pids.length).toBeGreaterThan(2);
      const findings: { id: string; severity: string }[] = [];
      await own.hooks.audit.promise({ add: (check) => void findings.push(check) });
      expect(findings.filter((finding) => finding.id.startsWith('tools.browser.')).map((finding) => [finding.id, finding.severity]))
        .toEqual([['tools.browser.no_tool_policy', 'critical'], ['tools.browser.private_hosts_allowed', 'warning']]);
      await own.close();
      expect(pids.filter(alive)).toEqual([]);
    } finally {
      await local.close();
    }
  });

  it('maxInstances 0 leaves the tool out; a malformed host pattern is a config error naming its path', async () => {
    const off = await createTestKernel({ config: { tools: { browser: { maxInstances: 0 } }, plugins: ['session-store-file', 'agent', 'tools-browser'] } });
    expect((off.use('tools') as ToolRegistry).get('browser')).toBeUndefined();
    const checks: string[] = [];
    await off.hooks.diagnose.promise({ add: (check) => void checks.push(check.id) });
    expect(checks).not.toContain('browser.chromium');
    const bad = await createTestKernel({ config: { tools: { browser: { allowedHosts: ['http://example.com/'] } }, plugins: ['session-store-file', 'agent', 'tools-browser'] } })
      .catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'MOLT_ERR_CONFIG_INVALID' });
    expect((bad as Error).message).toContain('tools.browser.allowedHosts[0]');
  });

  it('a missing executable: the doctor says how to fix it and open fails with a launch error', async () => {
    const own = await createTestKernel({ config: { tools: { browser: { executablePath: '/nonexistent/chromium' } }, plugins: ['session-store-file', 'agent', 'tools-browser'] } });
    const checks: { id: string; severity: string; recommendation?: string }[] = [];
    await own.hooks.diagnose.promise({ add: (check) => void checks.push(check) });
    expect(checks.find((check) => check.id === 'browser.chromium')).toMatchObject({ severity: 'critical', recommendation: expect.stringContaining('apt-get install chromium') });
    expect(await codeOf(browserTool(own)({ action: 'open', url: 'http://93.184.215.14/' }))).toBe('MOLT_ERR_TOOL_BROWSER_LAUNCH');
  });
});
