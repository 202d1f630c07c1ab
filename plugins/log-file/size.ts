/** `"100MB"` → bytes. KB/MB/GB/TB are decimal (1000), KiB/MiB/GiB/TiB binary (1024), as on disk labels. */
const POWERS: Record<string, number> = { '': 0, K: 1, M: 2, G: 3, T: 4 };

export function parseSize(text: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?)(i?)B$/.exec(text.trim());
  if (match === null) throw new TypeError(`not a size: ${JSON.stringify(text)} (use e.g. "100MB")`);
  const base = match[3] === 'i' ? 1024 : 1000;
  return Math.floor(Number(match[1]) * base ** POWERS[match[2]!]!);
}
