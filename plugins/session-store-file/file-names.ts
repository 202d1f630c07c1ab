/** Session key ↔ transcript file name: the key percent-encoded, so any key is one safe file name. */

export function transcriptName(key: string): string {
  return `${encodeURIComponent(key).replaceAll('.', '%2E')}.jsonl`;
}

export function keyOfTranscript(name: string): string | undefined {
  if (!name.endsWith('.jsonl')) return undefined;
  try {
    return decodeURIComponent(name.slice(0, -'.jsonl'.length));
  } catch {
    return undefined;
  }
}
