/**
 * Append-only writes with group commit: appends that arrive while an fsync is in flight are
 * written together and share the next fsync. A caller's promise resolves only after the fsync
 * that covers its bytes, so an acknowledged message survives a crash.
 */
import { open, type FileHandle } from 'node:fs/promises';

interface Pending {
  data: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class Appender {
  readonly file: string;
  #handle: Promise<FileHandle> | undefined;
  #queue: Pending[] = [];
  #flushing: Promise<void> | undefined;
  /** Bytes known to be on disk (for the index). */
  size: number;

  constructor(file: string, size: number) {
    this.file = file;
    this.size = size;
  }

  append(data: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ data, resolve, reject });
      this.#flushing ??= this.#drain();
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        const data = batch.length === 1 ? batch[0]!.data : batch.map((p) => p.data).join('');
        try {
          const handle = await (this.#handle ??= open(this.file, 'a', 0o600));
          await handle.write(data);
          await handle.datasync();
          this.size += Buffer.byteLength(data);
          for (const pending of batch) pending.resolve();
        } catch (error) {
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      this.#flushing = undefined;
    }
  }

  async close(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle) await (await handle).close();
  }
}
