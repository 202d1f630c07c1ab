/**
 * Per-model cooldowns and per-provider disabled credentials: the failover chain skips what is
 * cooling down or disabled. Visible through `models.status`, cleared by `models.reset`.
 */

import type { ModelState } from '../../sdk/agent/index.ts';

export type { ModelState };

export class ModelHealth {
  readonly #cooldowns = new Map<string, { until: number; reason: string }>();
  readonly #disabled = new Map<string, string>();
  readonly #failures = new Map<string, { count: number; last: string }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Why the model cannot be tried now, or undefined when it can. */
  blocked(ref: string, providerId: string): { reason: string; until?: number } | undefined {
    const disabled = this.#disabled.get(providerId);
    if (disabled !== undefined) return { reason: `credential of provider "${providerId}" disabled: ${disabled}` };
    const cooldown = this.#cooldowns.get(ref);
    if (cooldown === undefined) return undefined;
    if (cooldown.until <= this.#now()) {
      this.#cooldowns.delete(ref);
      return undefined;
    }
    return { reason: `cooling down: ${cooldown.reason}`, until: cooldown.until };
  }

  cooldown(ref: string, ms: number, reason: string): number {
    const until = this.#now() + ms;
    this.#cooldowns.set(ref, { until, reason });
    return until;
  }

  disableCredential(providerId: string, reason: string): void {
    this.#disabled.set(providerId, reason);
  }

  failed(ref: string, error: string): void {
    const entry = this.#failures.get(ref);
    this.#failures.set(ref, { count: (entry?.count ?? 0) + 1, last: error });
  }

  succeeded(ref: string): void {
    this.#failures.delete(ref);
  }

  status(refs: readonly string[], providerOf: (ref: string) => string): ModelState[] {
    return refs.map((ref) => {
      const failures = this.#failures.get(ref);
      const base = { ref, failures: failures?.count ?? 0, ...(failures ? { lastError: failures.last } : {}) };
      const blocked = this.blocked(ref, providerOf(ref));
      if (blocked === undefined) return { ...base, state: 'ok' as const };
      return { ...base, state: blocked.until === undefined ? 'disabled' as const : 'cooldown' as const, reason: blocked.reason, ...(blocked.until !== undefined ? { until: blocked.until } : {}) };
    });
  }

  /** Clears cooldowns and disabled credentials (one model's / provider's, or all). */
  reset(ref?: string, providerOf?: (ref: string) => string): void {
    if (ref === undefined) {
      this.#cooldowns.clear();
      this.#disabled.clear();
      this.#failures.clear();
      return;
    }
    this.#cooldowns.delete(ref);
    this.#failures.delete(ref);
    if (providerOf) this.#disabled.delete(providerOf(ref));
  }
}
