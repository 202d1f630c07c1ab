/**
 * The agent's Markdown → Matrix `formatted_body` (format `org.matrix.custom.html`). Small on
 * purpose: every character of the text is HTML-escaped first, then only the Markdown the
 * models write is turned into tags from the Matrix HTML subset (paragraphs, line breaks,
 * headings, lists, block quotes, fenced and inline code, bold, italic, strike, links).
 * Raw HTML in the model's output is therefore shown as text, never rendered: no `<img>`
 * that a client would fetch with no click (a prompt-injected URL carrying data), no
 * `<a>` dressed up as something else. Links become `<a>` only for http(s) and mailto URLs.
 *
 * A chunk that ends inside a fenced code block is closed at its end (each chunk is a message
 * of its own and must be valid HTML).
 */

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Inline spans on already-escaped text (code spans are cut out first so their content stays literal). */
function inline(escaped: string): string {
  const codes: string[] = [];
  let out = escaped.replace(/`([^`\n]+)`/g, (_m, code: string) => {
    codes.push(`<code>${code}</code>`);
    return `\u0000${codes.length - 1}\u0000`;
  });
  out = out
    .replace(/\[([^\]\n]+)\]\(((?:https?:\/\/|mailto:)[^\s()]+)\)/g, (_m, label: string, url: string) => `<a href="${url}">${label}</a>`)
    .replace(/\*\*([^*\n]+)\*\*/g, '<strong>$1</strong>')
    .replace(/__([^_\n]+)__/g, '<strong>$1</strong>')
    .replace(/(^|[^*\w])\*([^*\s][^*\n]*?)\*(?![*\w])/g, '$1<em>$2</em>')
    .replace(/(^|[^_\w])_([^_\s][^_\n]*?)_(?![_\w])/g, '$1<em>$2</em>')
    .replace(/~~([^~\n]+)~~/g, '<del>$1</del>');
  return out.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => codes[Number(i)] as string);
}

type Block = { kind: 'p' | 'ul' | 'ol' | 'quote'; lines: string[] };

export function markdownToHtml(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const html: string[] = [];
  let block: Block | undefined;
  const flush = () => {
    if (block === undefined) return;
    const items = block.lines.map((line) => inline(escapeHtml(line)));
    if (block.kind === 'p') html.push(`<p>${items.join('<br />')}</p>`);
    else if (block.kind === 'quote') html.push(`<blockquote>${items.join('<br />')}</blockquote>`);
    else html.push(`<${block.kind}>${items.map((item) => `<li>${item}</li>`).join('')}</${block.kind}>`);
    block = undefined;
  };
  const add = (kind: Block['kind'], line: string) => {
    if (block?.kind !== kind) {
      flush();
      block = { kind, lines: [] };
    }
    block.lines.push(line);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const fence = /^\s*(```|~~~)\s*([\w+-]*)\s*$/.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !new RegExp(`^\\s*${fence[1]}\\s*$`).test(lines[i] as string); i++) code.push(lines[i] as string);
      const lang = fence[2] ? ` class="language-${fence[2]}"` : '';
      html.push(`<pre><code${lang}>${escapeHtml(code.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      const level = (heading[1] as string).length;
      html.push(`<h${level}>${inline(escapeHtml(heading[2] as string))}</h${level}>`);
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    if (bullet) { add('ul', bullet[1] as string); continue; }
    const numbered = /^\s*\d{1,9}[.)]\s+(.*)$/.exec(line);
    if (numbered) { add('ol', numbered[1] as string); continue; }
    const quote = /^\s*>\s?(.*)$/.exec(line);
    if (quote) { add('quote', quote[1] as string); continue; }
    add('p', line);
  }
  flush();
  return html.join('');
}
