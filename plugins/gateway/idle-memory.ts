/**
 * Gives V8's young generation back once the gateway goes quiet. V8 grows it under start-up and
 * load (to 16 MB after start-up and 128 MB under chat load on a 2-core, 24 GiB machine); it
 * shrinks it during a collection when allocation is slow, but an idle process runs no
 * collection, and a minor one forced at idle left it as it was: an idle gateway kept 15 MB of
 * resident, empty new space after start-up and 104 MB after load (issue 23). So once the event
 * loop has been under 1 % busy for `quietMs`, no request is in flight and the new space holds at
 * least NEW_SPACE_WORTH_BYTES, one memory-reducing collection runs (about 60 ms at an idle heap);
 * the next one waits until a busy window has been seen, so an idle gateway collects once.
 * Start-up is the exception: what it grew is garbage once the gateway listens, and no load has
 * sized the young generation yet, so until the first request (within START_UP_MS of ready) a
 * quiet START_UP_QUIET_MS is enough. Under bursty load the long wait stays: a collection between
 * bursts made the next one pay to grow the young generation again (plugins/gateway/README.md).
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from '../../sdk/core/index.ts';

/**
 * Less resident new space than this is not worth a full collection. The built package's start
 * leaves ≈ 7.5 MB (an 8 MB bar kept it: 88 MB idle instead of 80, issue 23); the bare ws server
 * idles with 2.
 */
export const NEW_SPACE_WORTH_BYTES = 4 * 1024 * 1024;
/** A window of the event loop busier than this is load, not idleness. */
const QUIET_UTILIZATION = 0.01;
const WINDOW_MS = 1_000;
/** Quiet time before start-up's collection. */
export const START_UP_QUIET_MS = 1_000;
/** How long after ready start-up's shorter wait applies (plugins' ready work can keep the loop busy a while). */
export const START_UP_MS = 10_000;

export interface IdleMemoryProbe {
  /** Resident bytes of V8's new space. */
  newSpaceBytes(): number;
  /** Share of the time since the previous call the event loop was busy (0..1). */
  utilization(): number;
}

export function v8Probe(): IdleMemoryProbe {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return {
    newSpaceBytes: () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.physical_space_size ?? 0,
    utilization() {
      const now = performance.eventLoopUtilization();
      const window = performance.eventLoopUtilization(now, last);
      last = now;
      return window.utilization;
    },
  };
}

type GcFunction = (options?: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** The process was started with a gc flag of its own (--expose-gc, --expose-gc-as=…): leave V8's flags alone. */
function startedWithGcFlag(): boolean {
  return /--expose[-_]gc/.test([...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].join(' '));
}

/**
 * A memory-reducing collection (V8's "last resort" flavour: it also shrinks the new space).
 * Node has no API for one, so V8's `gc` is taken from a context made while --expose-gc is set,
 * and the flag is cleared again: no other context (nor this program's global) gets a `gc`.
 * A process started with --expose-gc already has it, and its flags are not touched.
 * Undefined when there is no way to get it (V8 refuses the flag, --expose-gc-as renamed it).
 */
export function memoryReducingCollection(): (() => void) | undefined {
  let gc = (globalThis as { gc?: GcFunction }).gc;
  if (typeof gc !== 'function' && !startedWithGcFlag()) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as GcFunction | undefined;
    } catch {
      gc = undefined;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  }
  if (typeof gc !== 'function') return undefined;
  const collect = gc;
  return () => collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

export interface IdleMemoryOptions {
  /** Quiet time before a collection (ms). */
  quietMs: number;
  log: Pick<Logger, 'debug' | 'warn'>;
  /** Work in flight that a pause would hold up (requests being answered). */
  busy?: () => boolean;
  /** Whether a request has been answered or is being answered: start-up is over. */
  served?: () => boolean;
  probe?: IdleMemoryProbe;
  /** The collection; by default memoryReducingCollection(), taken when first needed. */
  collect?: () => void;
}

/** Checks once a window (at most `quietMs`); returns the function that stops it. */
export function watchIdleMemory(options: IdleMemoryOptions): () => void {
  const probe = options.probe ?? v8Probe();
  const windowMs = Math.min(WINDOW_MS, options.quietMs);
  let collect = options.collect;
  let quietMs = 0;
  // False after a collection until a busy window: what stays after one is not collected again.
  let armed = true;
  const startUpUntil = Date.now() + START_UP_MS;
  // True until the first collection, the first request or START_UP_MS.
  let startingUp = true;
  const timer = setInterval(() => {
    if (startingUp && (options.served?.() === true || Date.now() > startUpUntil)) startingUp = false;
    if (probe.utilization() >= QUIET_UTILIZATION) {
      quietMs = 0;
      armed = true;
      return;
    }
    quietMs += windowMs;
    if (quietMs < (startingUp ? Math.min(START_UP_QUIET_MS, options.quietMs) : options.quietMs) || !armed || options.busy?.() === true) return;
    startingUp = false;
    quietMs = 0;
    const held = probe.newSpaceBytes();
    if (held < NEW_SPACE_WORTH_BYTES) return;
    collect ??= memoryReducingCollection();
    if (collect === undefined) {
      options.log.debug({}, 'no memory-reducing collection in this process (V8 flags): the young generation keeps its size when idle');
      clearInterval(timer);
      return;
    }
    const rssBefore = process.memoryUsage.rss();
    const started = performance.now();
    armed = false;
    try {
      collect();
    } catch (error) {
      options.log.warn({ err: error }, 'the idle memory collection failed; it is not tried again');
      clearInterval(timer);
      return;
    }
    options.log.debug({ ms: Math.round(performance.now() - started), newSpaceBefore: held, newSpaceAfter: probe.newSpaceBytes(), rssBefore, rssAfter: process.memoryUsage.rss() },
      'idle: gave the young generation back to the system');
  }, windowMs);
  timer.unref();
  return () => clearInterval(timer);
}
