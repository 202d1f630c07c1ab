/** Prices to costs, and the lookup of a model ref in a price table. */
import type { ModelPrice, PriceTable } from './types.ts';

/** A dated snapshot suffix (`-20250929`, `-2024-08-06`) or `-latest` names the same priced model. */
const SNAPSHOT = /-(?:\d{8}|\d{4}-\d{2}-\d{2}|latest)$/;

/**
 * The price of `model` (`provider/model` ref or bare id): the ref itself, then the id after
 * the provider, then that id without a snapshot suffix. No fuzzy matching: a wrong price is
 * worse than none.
 */
export function findPrice(table: PriceTable, model: string): ModelPrice | undefined {
  const slash = model.indexOf('/');
  const id = slash === -1 ? model : model.slice(slash + 1);
  for (const key of [model, id, id.replace(SNAPSHOT, '')]) {
    if (Object.hasOwn(table, key)) return table[key];
  }
  return undefined;
}

/** USD for the tokens at `price` (per million), rounded to a millionth of a cent. */
export function costOf(price: ModelPrice, tokens: { input: number; output: number; cached?: number }): number {
  const usd = (tokens.input * price.input + tokens.output * price.output + (tokens.cached ?? 0) * (price.cachedInput ?? price.input)) / 1_000_000;
  return Math.round(usd * 1e8) / 1e8;
}
