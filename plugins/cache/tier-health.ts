/**
 * The `degraded` state of one tier. A failure (store error or timeout) degrades the tier:
 * the cache then skips it (a miss, at no cost) and probes it every `probeIntervalMs` until it
 * answers, then puts it back. One `firing` alert per `alertWindowMs` per tier, so a flapping
 * backend does not flood the sinks; the matching `resolved` alert follows the recovery.
 */
import type { Alert } from '../../sdk/core/index.ts';
import { errorText, redact, type TierStatus } from '../../sdk/cache/index.ts';

/** The part of the plugin logger the cache uses (pino's call shape). */
export interface CacheLog {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

export interface TierHealthOptions {
  tier: string;
  probeIntervalMs: number;
  alertWindowMs: number;
  secrets: readonly string[];
  /** Resolves true when the store answered. */
  probe(): Promise<boolean>;
  /** Raises an alert; never awaited by the cache's operations. */
  alert(alert: Alert): void;
  log: CacheLog;
}


export class TierHealth {
  /** Read on every operation: a plain field, not a getter. */
  degraded = false;
  readonly #options: TierHealthOptions;
  #since = 0;
  #lastError: string | undefined;
  #lastAlertAt = Number.NEGATIVE_INFINITY;
  #alertFiring = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: TierHealthOptions) {
    this.#options = options;
  }

  fail(error: unknown): void {
    const { tier, secrets, log, alertWindowMs } = this.#options;
    this.#lastError = redact(errorText(error), secrets);
    if (this.degraded || this.#closed) return;
    this.degraded = true;
    this.#since = Date.now();
    log.warn({ tier, error: this.#lastError }, `cache tier "${tier}" degraded: reads and writes skip it until it answers again`);
    if (this.#since - this.#lastAlertAt >= alertWindowMs) {
      this.#lastAlertAt = this.#since;
      this.#alertFiring = true;
      this.#raise('firing', `Cache tier "${tier}" is degraded (${this.#lastError}); it is skipped until it answers again`);
    }
    this.#scheduleProbe();
  }

  recover(): void {
    if (!this.degraded) return;
    const { tier, log } = this.#options;
    this.degraded = false;
    clearTimeout(this.#timer);
    log.info({ tier, degradedMs: Date.now() - this.#since }, `cache tier "${tier}" recovered`);
    if (this.#alertFiring) {
      this.#alertFiring = false;
      this.#raise('resolved', `Cache tier "${tier}" recovered`);
    }
  }

  status(): TierStatus {
    const status: TierStatus = { name: this.#options.tier, status: this.degraded ? 'degraded' : 'ok' };
    if (this.degraded) status.since = this.#since;
    if (this.#lastError !== undefined) status.lastError = this.#lastError;
    return status;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  #raise(state: Alert['state'], message: string): void {
    const { tier } = this.#options;
    this.#options.alert({
      id: `cache.tier.${tier}.degraded`,
      severity: 'warning',
      source: 'cache',
      message,
      state,
      at: Date.now(),
      data: { tier, ...(this.#lastError === undefined ? {} : { error: this.#lastError }) },
    });
  }

  #scheduleProbe(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => void this.#probe(), this.#options.probeIntervalMs);
    // A probe never keeps the process alive on its own.
    this.#timer.unref?.();
  }

  async #probe(): Promise<void> {
    const answered = await this.#options.probe().catch(() => false);
    if (this.#closed || !this.degraded) return;
    if (answered) this.recover();
    else this.#scheduleProbe();
  }
}
