/** Decompression-bomb and size caps for reading archives (plugin options `limits`). */
export interface ArchiveLimits {
  /** Most uncompressed bytes an archive may expand to. */
  maxBytes: number;
  /** Most tar entries. */
  maxEntries: number;
  /** Most uncompressed/compressed ratio, checked once `ratioFloorBytes` were expanded. */
  maxRatio: number;
  ratioFloorBytes: number;
}

export const DEFAULT_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxBytes: 16 * 1024 ** 3,
  maxEntries: 1_000_000,
  maxRatio: 200,
  ratioFloorBytes: 64 * 1024 ** 2,
});
