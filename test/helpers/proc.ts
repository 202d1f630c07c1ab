/** Process checks for tests that must prove nothing outlived a call (Linux /proc). */
import { readdirSync, readFileSync } from 'node:fs';

/** Live (not zombie) processes with `marker` as one of their arguments. */
export function alive(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(marker)) continue;
      if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${entry}/stat`, 'utf8'))) continue;
      found.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found;
}
