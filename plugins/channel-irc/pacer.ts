/**
 * Outbound flood control: a token bucket. `burst` lines go out at once, then one line every
 * `intervalMs`, in call order, so the server's flood protection never throttles or kicks the bot
 * (ngIRCd delays, most others disconnect with "Excess Flood").
 */
export interface PacerOptions {
  burst: number;
  intervalMs: number;
  now?: () => number;
}

export class Pacer {
  readonly #burst: number;
  readonly #intervalMs: number;
  readonly #now: () => number;
  #tokens: number;
  #updated: number;
  /** The tail of the waiting line: each `take` waits for the previous one. */
  #tail: Promise<void> = Promise.resolve();

  constructor(options: PacerOptions) {
    this.#burst = Math.max(1, options.burst);
    this.#intervalMs = Math.max(0, options.intervalMs);
    this.#now = options.now ?? Date.now;
    this.#tokens = this.#burst;
    this.#updated = this.#now();
  }

  #refill(): void {
    const now = this.#now();
    if (this.#intervalMs === 0) this.#tokens = this.#burst;
    else this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#updated) / this.#intervalMs);
    this.#updated = now;
  }

  /** Resolves when the next line may be written (FIFO); rejects when `signal` aborts first. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.#tail.then(() => this.#wait(signal));
    this.#tail = turn.catch(() => undefined);
    return turn;
  }

  async #wait(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      this.#refill();
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      const delay = Math.ceil((1 - this.#tokens) * this.#intervalMs);
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => { clearTimeout(timer); reject(signal!.reason); };
        const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, delay);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }
}
