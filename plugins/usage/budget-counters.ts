/**
 * Spend counters of the budgets: one per scope subject and period (`global|day|2026-12-07|*`,
 * `session|total|total|agent:main:main`), shared by every budget of that scope and period.
 * This file keeps them in memory (one instance); redis-counters.ts shares them.
 */
import type { BudgetPeriod } from './periods.ts';

export interface Spend {
  tokens: number;
  usd: number;
}

export interface CounterKey {
  /** `scope|period|periodName|subject`: the subject last, so a session key's colons stay unambiguous. */
  id: string;
  period: BudgetPeriod;
  /** The period's name (`2026-12-07`, `2026-12`, `total`). */
  periodName: string;
}

export interface BudgetCounters {
  read(keys: readonly CounterKey[]): Promise<Spend[]>;
  /** Adds `spend` to every counter; resolves with their new totals. */
  add(keys: readonly CounterKey[], spend: Spend): Promise<Spend[]>;
}

export const roundUsd = (usd: number) => Math.round(usd * 1e8) / 1e8;

export class MemoryCounters implements BudgetCounters {
  readonly #entries = new Map<string, { spend: Spend; key: CounterKey }>();
  /** The newest period name seen per period kind: counters of older periods are dropped. */
  readonly #current = new Map<BudgetPeriod, string>();

  readNow(keys: readonly CounterKey[]): Spend[] {
    return keys.map((key) => {
      this.#roll(key);
      const spend = this.#entries.get(key.id)?.spend;
      return spend === undefined ? { tokens: 0, usd: 0 } : { ...spend };
    });
  }

  addNow(keys: readonly CounterKey[], spend: Spend): Spend[] {
    return keys.map((key) => {
      this.#roll(key);
      let entry = this.#entries.get(key.id);
      if (entry === undefined) this.#entries.set(key.id, (entry = { spend: { tokens: 0, usd: 0 }, key }));
      entry.spend.tokens += spend.tokens;
      entry.spend.usd = roundUsd(entry.spend.usd + spend.usd);
      return { ...entry.spend };
    });
  }

  read(keys: readonly CounterKey[]): Promise<Spend[]> {
    return Promise.resolve(this.readNow(keys));
  }

  add(keys: readonly CounterKey[], spend: Spend): Promise<Spend[]> {
    return Promise.resolve(this.addNow(keys, spend));
  }

  /** Every counter of the current periods (what a shared store is seeded with). */
  entries(): { key: CounterKey; spend: Spend }[] {
    return [...this.#entries.values()].map(({ key, spend }) => ({ key, spend: { ...spend } }));
  }

  #roll(key: CounterKey): void {
    if (key.period === 'total' || this.#current.get(key.period) === key.periodName) return;
    // Names only grow (dates), except a replay of older records: those are never "current".
    const seen = this.#current.get(key.period);
    if (seen !== undefined && seen > key.periodName) return;
    this.#current.set(key.period, key.periodName);
    for (const [id, entry] of this.#entries) {
      if (entry.key.period === key.period && entry.key.periodName !== key.periodName) this.#entries.delete(id);
    }
  }
}
