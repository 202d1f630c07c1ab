/**
 * The start/stop skeleton of an adapter that keeps a long-lived connection (a long poll, a
 * WebSocket, a sync loop): `start` runs the adapter's loop in the background until `stop` or
 * the host's signal, `stop` ends it and waits for it, and `retry` is how a failed attempt
 * waits: `degraded` with the (token-free) error, a warning, then the longer of the platform's
 * retry-after and the next backoff delay, cut short by stop. The state is kept so `typing` can
 * skip while not connected. A loop that crashes (a bug, not a connection failure) is logged and
 * reported `degraded` rather than left as an unhandled rejection.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Backoff, ChannelHost, ChannelState } from './contract.ts';

export interface ConnectionLoopOptions {
  /** The channel's name in log lines and errors ("telegram"). */
  name: string;
  /** The connection loop: runs until `signal` aborts, or gives up after reporting `stopped`. */
  run(host: ChannelHost, signal: AbortSignal): Promise<void>;
  /** The error as it may be shown and logged (tokens removed); default: as it is. */
  safeError?(error: unknown): Error;
  /** Awaited after the loop ended and before `stopped` (e.g. inbound messages still being handed over). */
  drain?(): Promise<void>;
}

export interface RetryOptions {
  backoff: Backoff;
  signal: AbortSignal;
  /** The platform's own wait (Retry-After, retry_after); the longer of it and the backoff wins. */
  retryAfterMs?: number;
  /** Extra log fields (HTTP status, error code), never secrets. */
  fields?: Record<string, unknown>;
  /** The warning logged with the delay and the error message. */
  message: string;
}

export interface ConnectionLoop {
  /** The running host; undefined while stopped. */
  readonly host: ChannelHost | undefined;
  readonly state: ChannelState;
  /** Aborted by `stop` (and while never started): for requests made outside the loop, such as sends. */
  readonly signal: AbortSignal;
  /** Records the state and reports it to the host. */
  setState(state: ChannelState, error?: unknown): void;
  /** Reports `connecting` and runs the loop in the background; throws when already started. */
  start(host: ChannelHost): void;
  /** Aborts the loop, waits for it (and `drain`), reports `stopped`. */
  stop(): Promise<void>;
  /** Reports `degraded` with `failure`, logs, and waits before the next attempt (resolves early on stop). */
  retry(failure: Error, options: RetryOptions): Promise<void>;
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

export function createConnectionLoop(options: ConnectionLoopOptions): ConnectionLoop {
  const safeError = options.safeError ?? asError;
  let host: ChannelHost | undefined;
  let stopper: AbortController | undefined;
  let loop: Promise<void> | undefined;
  let state: ChannelState = 'stopped';
  const setState = (next: ChannelState, error?: unknown) => {
    state = next;
    host?.setState(next, error);
  };
  return {
    get host() {
      return host;
    },
    get state() {
      return state;
    },
    get signal() {
      return stopper?.signal ?? AbortSignal.abort();
    },
    setState,
    start(next) {
      if (loop !== undefined) throw new Error(`${options.name} adapter already started`);
      host = next;
      stopper = new AbortController();
      const signal = AbortSignal.any([stopper.signal, next.signal]);
      setState('connecting');
      loop = options.run(next, signal).catch((error: unknown) => {
        next.log.error({ err: safeError(error) }, `${options.name} connection loop ended unexpectedly`);
        setState('degraded', safeError(error));
      });
    },
    async stop() {
      stopper?.abort();
      await loop;
      await options.drain?.();
      loop = undefined;
      setState('stopped');
      host = undefined;
    },
    async retry(failure, retry) {
      setState('degraded', failure);
      const delay = Math.max(retry.retryAfterMs ?? 0, retry.backoff.next());
      host?.log.warn({ ...retry.fields, retryInMs: delay, error: failure.message }, retry.message);
      await sleep(delay, undefined, { signal: retry.signal }).catch(() => undefined);
    },
  };
}
