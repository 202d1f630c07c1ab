/**
 * Text in both directions. Slack's `text` is "mrkdwn", not Markdown: `*bold*`, `_italic_`,
 * `~strike~`, `<url|label>` links, and `&`, `<`, `>` must be escaped as `&amp;`, `&lt;`,
 * `&gt;` because `<…>` is Slack's control syntax (mentions, links, `<!channel>`).
 *
 * Outbound (`toMrkdwn`): the model writes Markdown; it becomes mrkdwn. Escaping every `<`/`>`
 * the model wrote also means model output can never ping `<!channel>`/`<!everyone>` or a
 * `<@user>`: only links the converter builds itself are control sequences.
 * Inbound (`fromSlackText`): Slack's escapes and control sequences become plain text the
 * agent reads (`<@U1|ann>` → `@ann`, `<https://x|label>` → `label (https://x)`).
 */

const PLACEHOLDER = /\uE000(\d+)\uE001/g;

/** `&`, `<`, `>` as Slack requires them everywhere in `text`. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A URL inside `<url|label>`: `|`, `<`, `>` and spaces would end it early, so they are percent-encoded. */
function linkUrl(url: string): string {
  return url.replace(/&/g, '&amp;').replace(/[|<> ]/g, (c) => encodeURIComponent(c));
}

/** Converts one stretch of prose (no code) from Markdown to mrkdwn. */
function prose(text: string): string {
  const links: string[] = [];
  const keep = (value: string) => `\uE000${links.push(value) - 1}\uE001`;
  // Links first: their label is escaped, their URL encoded, and nothing below touches them.
  let out = text.replace(/!?\[([^\]\n]+)\]\((https?:\/\/[^\s)]+|mailto:[^\s)]+)\)/g, (_, label: string, url: string) => keep(`<${linkUrl(url)}|${escapeSlack(label).replace(/\|/g, '¦')}>`));
  out = escapeSlack(out);
  const lines = out.split('\n').map((line) => {
    const heading = /^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading) return `\uE002${heading[1]}\uE002`;
    // Quotes were escaped with the rest: a `>` opening a line is mrkdwn's quote too.
    const quote = /^&gt; ?(.*)$/.exec(line);
    if (quote) return `> ${quote[1]}`;
    return line.replace(/^(\s*)[-*+]\s+(?=\S)/, '$1• ');
  });
  out = lines.join('\n');
  // Bold first (to a marker), so the single-asterisk italic below does not see it.
  out = out.replace(/\*\*(?=\S)([^\n]*?\S)\*\*/g, '\uE002$1\uE002').replace(/__(?=\S)([^\n]*?\S)__/g, '\uE002$1\uE002');
  out = out.replace(/(?<![*\w])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![*\w])/g, '_$1_');
  out = out.replace(/~~(?=\S)([^\n]*?\S)~~/g, '~$1~');
  out = out.replace(/\uE002/g, '*');
  return out.replace(PLACEHOLDER, (_, index: string) => links[Number(index)] as string);
}

/** Inline code spans stay as they are (escaped only); the rest is prose. */
function inline(text: string): string {
  const parts = text.split(/(`[^`\n]+`)/g);
  return parts.map((part, index) => (index % 2 === 1 ? escapeSlack(part) : prose(part))).join('');
}

/** Markdown (what models write) → Slack mrkdwn. Fenced code keeps its content (escaped), without the language tag Slack would show. */
export function toMrkdwn(markdown: string): string {
  const out: string[] = [];
  const fence = /^ {0,3}```[^\n`]*$/;
  let pending: string[] = [];
  let code: string[] | undefined;
  const flushProse = () => {
    if (pending.length > 0) out.push(inline(pending.join('\n')));
    pending = [];
  };
  for (const line of markdown.split('\n')) {
    if (code === undefined && fence.test(line)) {
      flushProse();
      code = [];
    } else if (code !== undefined && /^ {0,3}```\s*$/.test(line)) {
      out.push(`\`\`\`\n${escapeSlack(code.join('\n'))}\n\`\`\``);
      code = undefined;
    } else if (code !== undefined) code.push(line);
    else pending.push(line);
  }
  flushProse();
  // A fence the chunker cut off (the rest is in the next message) still shows as code.
  if (code !== undefined) out.push(`\`\`\`\n${escapeSlack(code.join('\n'))}\n\`\`\``);
  return out.join('\n');
}

/** Slack message text → plain text for the agent. */
export function fromSlackText(text: string): string {
  const plain = text.replace(/<([^<>\n]*)>/g, (whole, inner: string) => {
    const [target = '', label] = inner.split('|', 2) as [string, string | undefined];
    if (target.startsWith('@')) return `@${label ?? target.slice(1)}`;
    if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
    if (target.startsWith('!')) {
      const special = target.slice(1);
      if (special === 'here' || special === 'channel' || special === 'everyone') return `@${special}`;
      return label ?? `@${special.split('^', 1)[0]}`;
    }
    if (/^(https?|mailto|tel):/i.test(target)) {
      const shown = target.replace(/^mailto:/i, '');
      return label === undefined || label === target || label === shown ? shown : `${label} (${target})`;
    }
    return whole;
  });
  return plain.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
