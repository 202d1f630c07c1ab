import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { onTestFinished } from 'vitest';

/** A temp dir removed when the current test finishes; `write` creates files (and folders) in it. */
export function useTempDir(prefix = 'moltbot-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(relative: string, content: string, mode?: number) {
      const path = join(dir, relative);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content, mode === undefined ? undefined : { mode });
      return path;
    },
  };
}
