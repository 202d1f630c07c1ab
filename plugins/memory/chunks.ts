/**
 * Markdown → search chunks: paragraphs (split at blank lines and headings), long ones cut at
 * `maxLines`, each remembering its first and last line (1-based) so a hit points into the
 * file. The heading above a chunk is indexed with it, so "## Pets" finds the lines below.
 */
export interface Chunk {
  /** `<file>#<line>` */
  id: string;
  file: string;
  line: number;
  endLine: number;
  text: string;
  heading: string;
}

export function chunkMarkdown(file: string, content: string, maxLines = 12): Chunk[] {
  const lines = content.split(/\r?\n/);
  const chunks: Chunk[] = [];
  let heading = '';
  let start = -1;
  const flush = (end: number) => {
    if (start === -1) return;
    for (let from = start; from < end; from += maxLines) {
      const to = Math.min(end, from + maxLines);
      const text = lines.slice(from, to).join('\n').trim();
      if (text !== '') chunks.push({ id: `${file}#${from + 1}`, file, line: from + 1, endLine: to, text, heading });
    }
    start = -1;
  };
  lines.forEach((line, index) => {
    if (/^#{1,6}\s/.test(line)) {
      flush(index);
      heading = line.replace(/^#+\s*/, '').trim();
      start = index;
      flush(index + 1);
    } else if (line.trim() === '') flush(index);
    else if (start === -1) start = index;
  });
  flush(lines.length);
  return chunks;
}
