/**
 * Chunk vectors for hybrid search, persisted with the text index. Vectors of one embedding
 * model only (a model change drops them all); chunks without a vector are embedded at the next
 * sync. After a failed call the endpoint is left alone for `backoffMs` (search stays full-text).
 */
import type { Logger } from '../../sdk/core/index.ts';
import { cosine, type Embedder } from './embeddings.ts';

export interface PersistedVectors {
  model: string;
  vectors: Record<string, number[]>;
}

export class VectorStore {
  readonly #embedder: Embedder;
  readonly #log: Logger;
  readonly #backoffMs: number;
  #vectors = new Map<string, number[]>();
  #retryAt = 0;
  /** Embedding calls made (for tests and diagnostics). */
  calls = 0;

  constructor(embedder: Embedder, log: Logger, backoffMs = 60_000) {
    this.#embedder = embedder;
    this.#log = log;
    this.#backoffMs = backoffMs;
  }

  get size(): number {
    return this.#vectors.size;
  }

  load(persisted: PersistedVectors | undefined): void {
    this.#vectors = new Map(persisted !== undefined && persisted.model === this.#embedder.model ? Object.entries(persisted.vectors) : []);
  }

  toJSON(): PersistedVectors {
    return { model: this.#embedder.model, vectors: Object.fromEntries(this.#vectors) };
  }

  delete(id: string): void {
    this.#vectors.delete(id);
  }

  /** Embeds the chunks that have no vector yet; true when any was added. */
  async fill(chunks: readonly { id: string; text: string }[]): Promise<boolean> {
    const missing = chunks.filter((c) => !this.#vectors.has(c.id));
    if (missing.length === 0 || Date.now() < this.#retryAt) return false;
    try {
      this.calls++;
      const vectors = await this.#embedder.embed(missing.map((c) => c.text));
      missing.forEach((c, i) => this.#vectors.set(c.id, vectors[i]!));
      return true;
    } catch (error) {
      this.#fail(error);
      return false;
    }
  }

  /** Cosine similarity of every chunk to the query, best first; undefined when unavailable. */
  async rank(query: string, limit: number): Promise<Map<string, number> | undefined> {
    if (this.#vectors.size === 0 || Date.now() < this.#retryAt) return undefined;
    let vector: number[];
    try {
      this.calls++;
      [vector] = (await this.#embedder.embed([query])) as [number[]];
    } catch (error) {
      this.#fail(error);
      return undefined;
    }
    const scored = [...this.#vectors].map(([id, v]) => [id, cosine(vector, v)] as const).sort((a, b) => b[1] - a[1]);
    return new Map(scored.slice(0, limit));
  }

  #fail(error: unknown): void {
    this.#retryAt = Date.now() + this.#backoffMs;
    this.#log.warn({ err: error }, `memory embeddings unavailable; full-text search only for ${this.#backoffMs / 1000} s`);
  }
}

/** Hybrid score: weight × cosine (negative counts as 0) + (1 − weight) × BM25 score / best BM25 score. */
export function hybridScores(text: ReadonlyMap<string, number>, vector: ReadonlyMap<string, number>, weight: number): [string, number][] {
  const best = Math.max(0, ...text.values());
  const ids = new Set([...text.keys(), ...vector.keys()]);
  return [...ids]
    .map((id) => [id, weight * Math.max(0, vector.get(id) ?? 0) + (1 - weight) * (best > 0 ? (text.get(id) ?? 0) / best : 0)] as [string, number])
    .sort((a, b) => b[1] - a[1]);
}
