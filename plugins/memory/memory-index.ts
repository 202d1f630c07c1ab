/**
 * The full-text index of the memory files: MiniSearch (BM25+ ranking, prefix and fuzzy
 * matching) over paragraph chunks, persisted as JSON in the plugin's state folder. `sync()`
 * compares each file's mtime+size with the persisted record (then its sha256 when they
 * differ) and re-indexes only changed files, drops removed ones, and saves (batched, see
 * #scheduleSave) when anything changed. A persisted index that cannot be read or does not match the format is rebuilt.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import MiniSearch from 'minisearch';
import { writeFileAtomic } from '../../sdk/core/index.ts';
import type { Logger } from '../../sdk/core/index.ts';
import { readWorkspaceFile } from '../../sdk/workspace/index.ts';
import { chunkMarkdown, type Chunk } from './chunks.ts';
import { listMemoryFiles } from './memory-files.ts';
import { hybridScores, type PersistedVectors, type VectorStore } from './vectors.ts';

const FORMAT = 1;

interface FileRecord { mtimeMs: number; size: number; hash: string; ids: string[] }
interface Persisted { format: number; files: Record<string, FileRecord>; index: unknown; vectors?: PersistedVectors }

export interface SearchHit {
  file: string;
  line: number;
  endLine: number;
  score: number;
  snippet: string;
}

export interface SyncStats {
  /** Files read and re-indexed by this sync. */
  indexed: number;
  removed: number;
  /** Files whose mtime/size changed but whose content hash did not. */
  touched: number;
}

export interface IndexStatus {
  files: number;
  chunks: number;
  /** How the index came up: loaded from disk, rebuilt (missing), or rebuilt after corruption. */
  origin: 'loaded' | 'new' | 'rebuilt-corrupt';
  /** Chunks with an embedding (hybrid search); absent without embeddings. */
  vectors?: number;
  lastSync?: SyncStats;
}

const OPTIONS = {
  fields: ['text', 'heading'],
  storeFields: ['file', 'line', 'endLine', 'text'],
  autoVacuum: false,
  searchOptions: { boost: { heading: 0.5 }, prefix: (term: string) => term.length >= 4, fuzzy: (term: string) => (term.length >= 5 ? 0.2 : false), combineWith: 'OR' as const },
};

export class MemoryIndex {
  readonly #workspace: () => string;
  readonly #file: string;
  readonly #log: Logger;
  readonly #maxFileBytes: number;
  readonly #vectors: VectorStore | undefined;
  readonly #weight: number;
  #search = new MiniSearch<Chunk>(OPTIONS);
  #files: Record<string, FileRecord> = {};
  #origin: IndexStatus['origin'] = 'new';
  #loaded = false;
  #lastSync: SyncStats | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #saveTimer: NodeJS.Timeout | undefined;
  readonly #saveDelayMs: number;

  constructor(options: { workspace: () => string; indexFile: string; log: Logger; maxFileBytes: number; vectors?: VectorStore; weight?: number; saveDelayMs?: number }) {
    this.#saveDelayMs = options.saveDelayMs ?? 2000;
    this.#vectors = options.vectors;
    this.#weight = options.weight ?? 0.5;
    this.#workspace = options.workspace;
    this.#file = options.indexFile;
    this.#log = options.log;
    this.#maxFileBytes = options.maxFileBytes;
  }

  /** Runs `work` after every earlier sync/write (one at a time). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  status(): IndexStatus {
    return {
      files: Object.keys(this.#files).length, chunks: this.#search.documentCount, origin: this.#origin,
      ...(this.#vectors ? { vectors: this.#vectors.size } : {}), ...(this.#lastSync ? { lastSync: this.#lastSync } : {}),
    };
  }

  sync(): Promise<SyncStats> {
    return this.exclusive(() => this.syncNow());
  }

  /** Drops the index and builds it again from the files, then saves it at once. */
  rebuild(): Promise<SyncStats> {
    return this.exclusive(async () => {
      this.#loaded = true;
      this.#search = new MiniSearch<Chunk>(OPTIONS);
      for (const record of Object.values(this.#files)) for (const id of record.ids) this.#vectors?.delete(id);
      this.#files = {};
      this.#origin = 'new';
      const stats = await this.syncNow();
      if (this.#saveTimer !== undefined) clearTimeout(this.#saveTimer);
      this.#saveTimer = undefined;
      await this.#save();
      return stats;
    });
  }

  /** The sync itself; callers already holding `exclusive` use this. */
  async syncNow(): Promise<SyncStats> {
    if (!this.#loaded) await this.#load();
    const workspace = this.#workspace();
    const stats: SyncStats = { indexed: 0, removed: 0, touched: 0 };
    const present = await listMemoryFiles(workspace);
    const seen = new Set<string>();
    for (const entry of present) {
      seen.add(entry.file);
      const known = this.#files[entry.file];
      if (known !== undefined && known.mtimeMs === entry.mtimeMs && known.size === entry.size) continue;
      let content: string;
      try {
        content = await readWorkspaceFile(workspace, entry.file, this.#maxFileBytes, 'file');
      } catch (error) {
        this.#log.warn({ err: error, file: entry.file }, 'a memory file could not be indexed');
        continue;
      }
      const hash = createHash('sha256').update(content).digest('hex');
      if (known !== undefined && known.hash === hash) {
        this.#files[entry.file] = { ...known, mtimeMs: entry.mtimeMs, size: entry.size };
        stats.touched++;
        continue;
      }
      if (known !== undefined) for (const id of known.ids) this.#forget(id);
      const chunks = chunkMarkdown(entry.file, content);
      this.#search.addAll(chunks);
      this.#files[entry.file] = { mtimeMs: entry.mtimeMs, size: entry.size, hash, ids: chunks.map((c) => c.id) };
      stats.indexed++;
    }
    for (const [file, record] of Object.entries(this.#files)) {
      if (seen.has(file)) continue;
      for (const id of record.ids) this.#forget(id);
      delete this.#files[file];
      stats.removed++;
    }
    // Discarded chunks leave references behind; clean them once they add up (MiniSearch's own thresholds).
    if (this.#search.dirtCount >= 20 && this.#search.dirtFactor >= 0.1) await this.#search.vacuum({ batchWait: 0 });
    const embedded = this.#vectors !== undefined && await this.#vectors.fill(this.#allChunks());
    if (stats.indexed + stats.removed + stats.touched > 0 || embedded) this.#scheduleSave();
    this.#lastSync = stats;
    return stats;
  }

  /** BM25 ranking, or hybrid (BM25 + cosine) when embeddings are configured and reachable. */
  async search(query: string, limit: number, maxSnippet: number): Promise<SearchHit[]> {
    const text = new Map(this.#search.search(query).map((hit) => [String(hit.id), hit.score]));
    const vector = await this.#vectors?.rank(query, limit * 4);
    const ranked = vector === undefined ? [...text] : hybridScores(text, vector, this.#weight);
    return ranked.slice(0, limit).flatMap(([id, score]) => {
      const fields = this.#search.getStoredFields(id);
      if (fields === undefined) return [];
      const snippet = String(fields.text);
      return [{
        file: String(fields.file),
        line: Number(fields.line),
        endLine: Number(fields.endLine),
        score: Math.round(score * 1000) / 1000,
        snippet: snippet.length > maxSnippet ? `${snippet.slice(0, maxSnippet - 1)}…` : snippet,
      }];
    });
  }

  #forget(id: string): void {
    this.#search.discard(id);
    this.#vectors?.delete(id);
  }

  #allChunks(): { id: string; text: string }[] {
    return Object.values(this.#files).flatMap((record) => record.ids.map((id) => ({ id, text: String(this.#search.getStoredFields(id)?.text ?? '') })));
  }

  async #load(): Promise<void> {
    this.#loaded = true;
    let raw: string;
    try {
      raw = await readFile(this.#file, 'utf8');
    } catch {
      this.#origin = 'new';
      return;
    }
    try {
      const persisted = JSON.parse(raw) as Persisted;
      if (persisted.format !== FORMAT || typeof persisted.files !== 'object' || persisted.files === null) throw new Error(`unknown index format ${String(persisted.format)}`);
      this.#search = MiniSearch.loadJS<Chunk>(persisted.index as Parameters<typeof MiniSearch.loadJS>[0], OPTIONS);
      this.#files = persisted.files;
      this.#vectors?.load(persisted.vectors);
      this.#origin = 'loaded';
    } catch (error) {
      this.#log.warn({ err: error, file: this.#file }, 'the memory index is unreadable; rebuilding it from the memory files');
      this.#search = new MiniSearch<Chunk>(OPTIONS);
      this.#files = {};
      this.#origin = 'rebuilt-corrupt';
    }
  }

  /**
   * Saving serialises the whole index (≈ 0.5 s for 4,000 chunks), so it is batched: at most
   * once per `saveDelayMs`, and on close. Losing a pending save costs nothing but time: the
   * index is derived data, and files changed since the last save are re-indexed at start.
   */
  #scheduleSave(): void {
    if (this.#saveTimer !== undefined) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined;
      this.exclusive(() => this.#save()).catch((error: unknown) => this.#log.warn({ err: error }, 'the memory index could not be saved'));
    }, this.#saveDelayMs);
    this.#saveTimer.unref();
  }

  /** Writes a pending save now (on close). */
  async flush(): Promise<void> {
    if (this.#saveTimer === undefined) return;
    clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
    await this.exclusive(() => this.#save());
  }

  async #save(): Promise<void> {
    const persisted: Persisted = { format: FORMAT, files: this.#files, index: this.#search.toJSON(), ...(this.#vectors ? { vectors: this.#vectors.toJSON() } : {}) };
    await writeFileAtomic(this.#file, JSON.stringify(persisted), { mkdir: true });
  }
}
