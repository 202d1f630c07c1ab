/**
 * Browser instances, one per session: its own Chromium process with a persistent profile under
 * `<state>/browser/profiles/` (0700) and its own egress proxy. A process per session rather
 * than one shared browser: a crash, a kill or a memory breach ends one session's browser only,
 * the renderer memory of a session is exactly the renderers under its process, and
 * `maxInstances` counts real Chromium processes (each slot is a resource lease).
 *
 * Actions of one session run one at a time, each under `timeout`; after each action (and on the
 * watchdog tick) the renderers' memory (PSS) is compared with `memoryLimit`; instances idle
 * for `idleTtlMs` are closed; closeAll() ends every process (SIGKILL fallback: no orphans).
 */
import { createHash } from 'node:crypto';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { MoltbotError } from '../../sdk/core/index.ts';
import type { Logger } from '../../sdk/core/index.ts';
import { BoundedMap } from '../../sdk/rate-limit/index.ts';
import type { EgressPolicy } from './egress-policy.ts';
import { startEgressProxy, type EgressProxy } from './egress-proxy.ts';
import { BrowserToolError } from './errors.ts';
import { findBrowserPid, isRunning, killInstance, rendererMemoryMb } from './process-tree.ts';
import { CHROMIUM_ARGS, loadChromium, type BrowserSettings } from './settings.ts';
import { browserErrors } from './error-codes.ts';

export interface BlockedRequest {
  url: string;
  reason: string;
}

export interface Instance {
  readonly sessionKey: string;
  readonly context: BrowserContext;
  /** The tab actions apply to: the newest one still open (a link opening a new tab moves there). */
  page: Page;
  readonly pid: number | undefined;
  readonly profileDir: string;
  lastUsed: number;
  busy: boolean;
  /** Why the instance ended (crash, memory, idle, close); set once. */
  ended?: BrowserToolError;
  /** Page requests the egress policy refused since the last action result. */
  blocked: BlockedRequest[];
  /** The latest connections the egress proxy refused (redirect hops, browser background traffic). */
  proxyBlocked: BlockedRequest[];
}

interface Slot {
  instance: Instance;
  proxy: EgressProxy;
  release(): void;
  leasedAt: number;
  disposed?: Promise<void>;
}

export interface PoolDeps {
  settings: BrowserSettings;
  stateDir: string;
  log: Logger;
  policy: EgressPolicy;
  /** Ports of live egress proxies (the policy blocks them as destinations). */
  proxyPorts: Set<number>;
  /** One browser slot for the session, or a BUSY error. */
  acquire(sessionKey: string): { release(): void };
  launchTimeoutMs: number;
}

const CLOSE_GRACE_MS = 5_000;
/**
 * The resources manager reclaims leases older than its maxLeaseMs (default 1 h) as forgotten;
 * a browser in use that long renews its lease (release + acquire, so the slot cannot be taken).
 */
const LEASE_RENEW_MS = 10 * 60_000;
/** Endings remembered for sessions that have not acted since (oldest forgotten first). */
const MAX_UNTOLD = 1_000;
const DEAD = /Target page, context or browser has been closed|Browser has been closed|Browser closed|browser has disconnected|Target crashed|Page crashed|Target closed|Connection closed/i;

export class BrowserPool {
  readonly #deps: PoolDeps;
  readonly #slots = new Map<string, Slot>();
  readonly #launching = new Map<string, Promise<Slot>>();
  readonly #tails = new Map<string, Promise<unknown>>();
  readonly #ending = new Set<Slot>();
  /**
   * Why a session's browser ended when no action of the session was there to say so (the
   * watchdog's memory check, the idle sweep, a crash between actions): the session's next action
   * reports it, once, instead of a bare "no browser is open".
   */
  readonly #untold = new BoundedMap<string, BrowserToolError>(MAX_UNTOLD);
  #closing = false;

  constructor(deps: PoolDeps) {
    this.#deps = deps;
  }

  /** Browsers launching, open, or still closing (their processes count until gone). */
  get size(): number {
    return this.#slots.size + this.#launching.size + this.#ending.size;
  }

  /** Runs `task` on the session's browser (launched first when `create`), one action at a time per session. */
  act<T>(sessionKey: string, create: boolean, task: (instance: Instance) => Promise<T>): Promise<T> {
    const previous = this.#tails.get(sessionKey) ?? Promise.resolve();
    const next = previous.then(() => this.#act(sessionKey, create, task));
    const tail = next.catch(() => undefined);
    this.#tails.set(sessionKey, tail);
    void tail.then(() => {
      if (this.#tails.get(sessionKey) === tail) this.#tails.delete(sessionKey);
    });
    return next;
  }

  async #act<T>(sessionKey: string, create: boolean, task: (instance: Instance) => Promise<T>): Promise<T> {
    const slot = await this.#slot(sessionKey, create);
    const { instance } = slot;
    instance.busy = true;
    this.#renewLease(slot);
    const { timeout } = this.#deps.settings;
    let timer: NodeJS.Timeout | undefined;
    // Playwright's own timeouts (setDefaultTimeout) fire first; this guard catches a wedged renderer.
    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BrowserToolError(browserErrors.MOLT_ERR_TOOL_BROWSER_TIMEOUT, `the page did not answer within ${timeout} ms (tools.browser.timeout); its browser was closed`)), timeout + 2_000);
    });
    try {
      const result = await Promise.race([task(instance), guard]);
      this.#enforceMemory(slot);
      return result;
    } catch (error) {
      if (error instanceof BrowserToolError && error.code === browserErrors.MOLT_ERR_TOOL_BROWSER_TIMEOUT && instance.ended === undefined) await this.#dispose(slot, error);
      const failure = await this.#explain(slot, error);
      if (this.#untold.get(sessionKey) === failure) this.#untold.delete(sessionKey);
      // An ended browser is reported once its processes are gone and its slot is free again.
      if (slot.disposed !== undefined) await slot.disposed;
      throw failure;
    } finally {
      clearTimeout(timer);
      instance.busy = false;
      instance.lastUsed = Date.now();
    }
  }

  /** Closes the session's browser; false when none was open. */
  async close(sessionKey: string): Promise<boolean> {
    // Closed on purpose: an ending the session was not told of yet no longer matters.
    this.#untold.delete(sessionKey);
    const launching = this.#launching.get(sessionKey);
    const slot = this.#slots.get(sessionKey) ?? (launching ? await launching.catch(() => undefined) : undefined);
    if (slot === undefined) {
      // Ended meanwhile (the watchdog, a crash): closed once its processes are gone.
      await this.#ended(sessionKey);
      return false;
    }
    await this.#dispose(slot, new BrowserToolError(browserErrors.MOLT_ERR_TOOL_BROWSER_NOT_OPEN, 'the browser of this session was closed'), false);
    return true;
  }

  /** Closes instances idle for `idleTtlMs`; returns how many. */
  async sweepIdle(now = Date.now()): Promise<number> {
    const idle = [...this.#slots.values()].filter((slot) => !slot.instance.busy && now - slot.instance.lastUsed >= this.#deps.settings.idleTtlMs);
    await Promise.all(idle.map((slot) => this.#dispose(slot, new BrowserToolError(browserErrors.MOLT_ERR_TOOL_BROWSER_NOT_OPEN, `the browser of this session was closed after ${this.#deps.settings.idleTtlMs} ms idle (tools.browser.idleTtlMs)`))));
    return idle.length;
  }

  /** The watchdog tick: memory of every instance, busy ones included. */
  checkMemory(): void {
    for (const slot of this.#slots.values()) {
      try {
        this.#enforceMemory(slot);
      } catch {
        // disposed; the session's next action reports why (#untold)
      }
    }
  }

  /** Pids of the open browsers' main processes. */
  pids(): number[] {
    return [...this.#slots.values()].flatMap((slot) => (slot.instance.pid === undefined ? [] : [slot.instance.pid]));
  }

  async closeAll(): Promise<void> {
    this.#closing = true;
    await Promise.allSettled([...this.#launching.values()]);
    await Promise.all([...this.#slots.values()].map((slot) => this.#dispose(slot, new BrowserToolError(browserErrors.MOLT_ERR_TOOL_BROWSER_NOT_OPEN, 'the gateway is shutting down'))));
    await Promise.all([...this.#ending].map((slot) => slot.disposed));
  }

  async #slot(sessionKey: string, create: boolean): Promise<Slot> {
    const existing = this.#slots.get(sessionKey);
    if (existing !== undefined && existing.instance.ended === undefined) return existing;
    // The session's previous browser (closed by the watchdog, crashed) holds its slot until its
    // processes are gone: its ending is reported, or a new one launched, only then.
    await this.#ended(sessionKey);
    const untold = this.#untold.get(sessionKey);
    this.#untold.delete(sessionKey);
    if (!create) throw untold ?? new BrowserToolError(browserErrors.MOLT_ERR_TOOL_BROWSER_NOT_OPEN, 'no browser is open for this session; call action "open" with a url first');
    if (this.#closing) throw new BrowserToolError(browserErrors.MOLT_ERR_TOOL_BROWSER_NOT_OPEN, 'the gateway is shutting down; no new browser starts');
    const lease = this.#deps.acquire(sessionKey);
    const launching = this.#launch(sessionKey, lease.release);
    this.#launching.set(sessionKey, launching);
    try {
      const slot = await launching;
      this.#slots.set(sessionKey, slot);
      if (this.#closing) {
        await this.#dispose(slot, new BrowserToolError(browserErrors.MOLT_ERR_TOOL_BROWSER_NOT_OPEN, 'the gateway is shutting down'));
        throw slot.instance.ended!;
      }
      return slot;
    } catch (error) {
      lease.release();
      throw error;
    } finally {
      this.#launching.delete(sessionKey);
    }
  }

  async #launch(sessionKey: string, release: () => void): Promise<Slot> {
    const { settings, stateDir, policy, log } = this.#deps;
    const root = join(stateDir, 'browser');
    const profileDir = join(root, 'profiles', profileName(sessionKey));
    await mkdir(profileDir, { recursive: true, mode: 0o700 });
    for (const dir of [root, join(root, 'profiles'), profileDir]) await chmod(dir, 0o700);
    const blocked: BlockedRequest[] = [];
    const onBlocked = (url: string, reason: string) => {
      blocked.push({ url: url.slice(0, 500), reason });
      log.warn({ sessionKey, reason }, 'browser request blocked by the egress policy');
    };
    // The proxy also sees Chromium's own background requests (autofill, hints): logged at debug,
    // and only quoted to the model when an action fails on a refused tunnel.
    const proxyBlocked: BlockedRequest[] = [];
    const proxy = await startEgressProxy(policy, (target, reason) => {
      proxyBlocked.push({ url: target.slice(0, 500), reason });
      if (proxyBlocked.length > 20) proxyBlocked.shift();
      log.debug({ sessionKey, reason }, 'browser connection refused by the egress proxy');
    });
    this.#deps.proxyPorts.add(proxy.port);
    let context: BrowserContext;
    try {
      const chromium = await loadChromium();
      context = await chromium.launchPersistentContext(profileDir, {
        executablePath: settings.executablePath,
        headless: true,
        chromiumSandbox: false,
        args: [...CHROMIUM_ARGS, `--proxy-server=http://127.0.0.1:${proxy.port}`, '--proxy-bypass-list=<-loopback>'],
        serviceWorkers: 'block',
        acceptDownloads: false,
        timeout: this.#deps.launchTimeoutMs,
        handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
      });
    } catch (error) {
      this.#deps.proxyPorts.delete(proxy.port);
      await proxy.close();
      throw new BrowserToolError(browserErrors.MOLT_ERR_TOOL_BROWSER_LAUNCH, `Chromium (${settings.executablePath}) could not be started: ${firstLine(error)}`);
    }
    // Early, precise refusals; the proxy still checks every connection (redirect hops included).
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (/^(data|blob):/i.test(url)) return route.continue().catch(() => undefined);
      const verdict = await policy.checkUrl(url);
      if (verdict.ok) return route.continue().catch(() => undefined);
      onBlocked(url, verdict.reason);
      return route.abort('blockedbyclient').catch(() => undefined);
    });
    await context.routeWebSocket(() => true, async (socket) => {
      const verdict = await policy.checkUrl(socket.url());
      if (verdict.ok) return void socket.connectToServer();
      onBlocked(socket.url(), verdict.reason);
      await socket.close({ code: 1008, reason: 'blocked by the egress policy' });
    });
    const page = context.pages()[0] ?? await context.newPage();
    const instance: Instance = { sessionKey, context, page, pid: findBrowserPid(profileDir), profileDir, lastUsed: Date.now(), busy: false, blocked, proxyBlocked };
    const slot: Slot = { instance, proxy, release, leasedAt: Date.now() };
    const crashed = (what: string) => {
      if (instance.ended === undefined) {
        log.warn({ sessionKey, pid: instance.pid }, `browser ${what}`);
        void this.#dispose(slot, new BrowserToolError(browserErrors.MOLT_ERR_TOOL_BROWSER_CRASHED, `the browser ${what}${instance.busy ? ' during the action' : ''}; it was discarded and the next call starts a new one`));
      }
    };
    const prepare = (tab: Page) => {
      tab.setDefaultTimeout(settings.timeout);
      tab.setDefaultNavigationTimeout(settings.timeout);
      tab.on('crash', () => crashed('page crashed'));
      return tab;
    };
    prepare(page);
    context.on('page', (tab) => {
      instance.page = prepare(tab);
      tab.once('close', () => {
        const open = context.pages();
        if (instance.page === tab && open.length > 0) instance.page = open.at(-1)!;
      });
    });
    context.on('close', () => crashed('process ended'));
    log.info({ sessionKey, pid: instance.pid }, 'browser started');
    return slot;
  }

  #renewLease(slot: Slot): void {
    if (Date.now() - slot.leasedAt < LEASE_RENEW_MS) return;
    slot.release();
    slot.leasedAt = Date.now();
    try {
      slot.release = this.#deps.acquire(slot.instance.sessionKey).release;
    } catch (error) {
      slot.release = () => undefined;
      this.#deps.log.warn({ sessionKey: slot.instance.sessionKey, reason: (error as Error).message }, 'browser lease not renewed; the browser keeps running until it closes');
    }
  }

  #enforceMemory(slot: Slot): void {
    const { instance } = slot;
    if (instance.pid === undefined || instance.ended !== undefined) return;
    const usedMb = rendererMemoryMb(instance.pid);
    const limit = this.#deps.settings.memoryLimit;
    if (usedMb <= limit) return;
    const error = new BrowserToolError(browserErrors.MOLT_ERR_TOOL_BROWSER_MEMORY, `the page's renderer used ${Math.round(usedMb)} MB, over tools.browser.memoryLimit ${limit} MB; the browser of this session was closed`);
    this.#deps.log.warn({ sessionKey: instance.sessionKey, usedMb: Math.round(usedMb), limitMb: limit }, 'browser over its memory limit: closed');
    void this.#dispose(slot, error);
    throw error;
  }

  /** Ends the instance; `tell`: its session's next action reports why (not after the session's own close). */
  #dispose(slot: Slot, reason: BrowserToolError, tell = true): Promise<void> {
    const { instance } = slot;
    if (instance.ended === undefined) {
      instance.ended = reason;
      if (tell && !this.#closing) this.#untold.touch(instance.sessionKey, reason);
    }
    if (this.#slots.get(instance.sessionKey) === slot) this.#slots.delete(instance.sessionKey);
    slot.disposed ??= (async () => {
      this.#ending.add(slot);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        instance.context.close().catch(() => undefined),
        new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS))),
      ]);
      clearTimeout(timer);
      // Resolves once no process of the instance is alive (the crash is reported only then).
      const survivors = await killInstance(instance.pid, instance.profileDir);
      if (survivors.length > 0) this.#deps.log.error({ sessionKey: instance.sessionKey, pids: survivors }, 'browser processes still alive after SIGKILL');
      await slot.proxy.close();
      this.#deps.proxyPorts.delete(slot.proxy.port);
      // The slot is free once the processes are gone, so maxInstances counts real processes.
      slot.release();
      this.#ending.delete(slot);
      this.#deps.log.info({ sessionKey: instance.sessionKey, reason: instance.ended?.message }, 'browser closed');
    })();
    return slot.disposed;
  }

  /** Settles once no browser of the session is still closing. */
  async #ended(sessionKey: string): Promise<void> {
    for (const ending of [...this.#ending]) if (ending.instance.sessionKey === sessionKey) await ending.disposed;
  }

  /** The tool error for a failed action. */
  async #explain(slot: Slot, error: unknown): Promise<Error> {
    const { instance } = slot;
    if (error instanceof MoltbotError) return error;
    const message = firstLine(error);
    if (instance.ended !== undefined) return instance.ended;
    if (DEAD.test(message) || (instance.pid !== undefined && !isRunning(instance.pid))) {
      const crashed = new BrowserToolError(browserErrors.MOLT_ERR_TOOL_BROWSER_CRASHED, 'the browser process ended during the action; it was discarded and the next call starts a new one');
      await this.#dispose(slot, crashed);
      return instance.ended ?? crashed;
    }
    if (error instanceof Error && error.name === 'TimeoutError') {
      return new BrowserToolError(browserErrors.MOLT_ERR_TOOL_BROWSER_TIMEOUT, `timed out after ${this.#deps.settings.timeout} ms (tools.browser.timeout): ${message.replace(/^\w+\.\w+: /, '')}`);
    }
    const refusal = /ERR_BLOCKED_BY_CLIENT/.test(message) ? instance.blocked.at(-1) : /ERR_TUNNEL_CONNECTION_FAILED/.test(message) ? instance.proxyBlocked.at(-1) : undefined;
    if (refusal !== undefined) return new BrowserToolError(browserErrors.MOLT_ERR_TOOL_BROWSER_BLOCKED, `blocked by the egress policy: ${refusal.reason}`);
    return new Error(message);
  }
}

/** A readable, collision-free folder name for a session key. */
export function profileName(sessionKey: string): string {
  const readable = sessionKey.toLowerCase().replace(/[^a-z0-9_-]+/g, '_').slice(0, 60);
  return `${readable}-${createHash('sha256').update(sessionKey).digest('hex').slice(0, 10)}`;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.slice(0, 500);
}
