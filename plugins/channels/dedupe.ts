/** A bounded set of recently seen message ids: a redelivered message is processed once. */
export class RecentIds {
  readonly #seen = new Set<string>();
  readonly #max: number;

  constructor(max = 1000) {
    this.#max = max;
  }

  /** True the first time an id is seen; false for a repeat (while it is still remembered). */
  add(id: string): boolean {
    if (this.#seen.has(id)) return false;
    this.#seen.add(id);
    // A Set iterates in insertion order: the first entry is the oldest.
    if (this.#seen.size > this.#max) this.#seen.delete(this.#seen.values().next().value as string);
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }
}
