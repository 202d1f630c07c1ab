/**
 * The pattern pass of log redaction: masks secrets in free text and in serialized pino lines.
 * Path-based redaction (pino `redact`) only knows where secrets are expected; this pass catches
 * the rest — secrets deeper than a wildcard, inside messages, error messages and stacks.
 *
 * Every regex here is linear-time on any input: quantifiers are either bounded or end the
 * pattern (nothing after them can fail and force a rescan), and patterns that could fail after
 * an unbounded run start only at the edge of that run (lookbehind), so no input is rescanned
 * from each of its positions.
 */

export interface RedactorOptions {
  /** Literal secret values to mask wherever they occur (called on every scrub, so a rotated secret counts at once). */
  values?: () => Iterable<string>;
  /** Extra key names treated as secret (case-insensitive), on top of the built-in list. */
  keys?: string[];
}

export interface Redactor {
  scrubText(text: string): string;
  scrubJsonLine(line: string): string;
}

export const REDACTED = '[REDACTED]';

/** Shorter literal values would mask ordinary words ("admin", "true") all over the log. */
const MIN_VALUE_LENGTH = 6;

// Key names compare after lowercasing and dropping separators: `api_key`, `api-key`, `apiKey` → `apikey`.
const SECRET_KEYS = new Set([
  'password', 'passwd', 'pass', 'secret', 'token', 'apikey', 'accesstoken', 'refreshtoken',
  'clientsecret', 'authorization', 'cookie', 'cookies', 'setcookie', 'privatekey', 'passphrase',
  'credentials', 'sessionid', 'secretaccesskey',
]);
// A key ending in one of these (`botToken`, `dbPassword`, `x-api-key`) is secret too. `tokens`
// is deliberately absent: model usage counts (`max_tokens`, `inputTokens`) are not secrets.
const SECRET_SUFFIXES = [
  'password', 'passwd', 'secret', 'token', 'apikey', 'privatekey', 'authorization', 'cookie',
  'passphrase', 'credentials', 'secretaccesskey',
];

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** `key: value`, `key=value`, `"key":"value"` (also JSON escaped inside a string) for a secret-looking key. */
const KEY_VALUE =
  /(password|passwd|secret|token|api[_-]?key|private[_-]?key|passphrase)(\\?["']?[ \t]{0,8}[:=][ \t]{0,8})(?:(\\?")[^"\\\r\n]*|(')[^'\r\n]*|(?!(?:null|true|false|undefined)\b)[^\s"'\\,;&]+)/gi;

/** Header-like keys whose value runs to the end of the line (`Authorization: Bearer x`, `Cookie: a=1; b=2`). */
const HEADER_VALUE =
  /((?:proxy-)?authorization|(?:set-)?cookie)(\\?["']?[ \t]{0,8}[:=][ \t]{0,8})(\\?["']?)[^\r\n"'\\]+/gi;

const BEARER = /(\bBearer[ \t]{1,8})[A-Za-z0-9\-._~+/]+=*/gi;
/** Base64 in whole 4-char groups, at least 8 chars: keeps "Basic setup" readable. */
const BASIC = /(\bBasic[ \t]{1,8})(?:[A-Za-z0-9+/]{4}){2,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?(?![A-Za-z0-9+/=])/g;

/** `scheme://user:password@host` → `scheme://user:[REDACTED]@host` (the password may contain `@`). */
const URL_USERINFO = /(:\/\/[^\s:/?#@"'\\<>]*:)[^\s/?#"'\\<>]+@/g;

/** Provider key shapes; each starts where its own character run starts. */
const KEY_SHAPES: RegExp[] = [
  /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}/g, // OpenAI, Anthropic (sk-ant-…), sk-proj-…
  /(?<![A-Za-z0-9_-])[sr]k_(?:live|test)_[A-Za-z0-9]{16,}/g, // Stripe
  /(?<![A-Za-z0-9_-])xox[abprs]-[A-Za-z0-9-]{10,}/g, // Slack
  /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{20,}/g, // GitHub tokens
  /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{20,}/g,
  /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}/g,
  /(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Z])/g, // AWS access key id
  /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}/g, // Google API key
  /(?<!\d)\d{6,12}:[A-Za-z0-9_-]{30,}/g, // Telegram bot token (also inside `/bot<token>/` URLs)
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, // JWT
];

/**
 * Cheap gate in front of the patterns: every pattern above needs one of these substrings, so a
 * string without any (most keys and values in a log line) skips the full set.
 */
const TRIGGER =
  /authorization|cookie|bearer|basic|:\/\/|passw|secret|token|api[_-]?key|private[_-]?key|passphrase|sk-|k_live_|k_test_|xox|gh[pousr]_|github_pat_|npm_|AKIA|ASIA|AIza|\d{6}:|eyJ/i;

export function createRedactor(opts: RedactorOptions = {}): Redactor {
  const extraKeys = new Set((opts.keys ?? []).map(normalizeKey));

  // Log lines repeat the same few keys, so verdicts are memoized; the cap bounds memory when
  // keys are data (ids used as object keys).
  const verdicts = new Map<string, boolean>();
  const isSecretKey = (key: string): boolean => {
    let verdict = verdicts.get(key);
    if (verdict === undefined) {
      const normalized = normalizeKey(key);
      verdict = SECRET_KEYS.has(normalized) || extraKeys.has(normalized) || SECRET_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
      if (verdicts.size >= 1024) verdicts.clear();
      verdicts.set(key, verdict);
    }
    return verdict;
  };

  /** The current secret values (and their JSON-escaped forms), longest first so none is half-masked. */
  const currentValues = (): string[] => {
    if (!opts.values) return [];
    const found = new Set<string>();
    let values: Iterable<string>;
    try {
      values = opts.values();
    } catch {
      // A failing secret source must not turn every log call into a throw; the patterns still run.
      return [];
    }
    for (const value of values) {
      if (typeof value !== 'string' || value.length < MIN_VALUE_LENGTH) continue;
      found.add(value);
      found.add(jsonEscape(value));
    }
    return [...found].sort((a, b) => b.length - a.length);
  };

  const scrub = (text: string, values: readonly string[], patterns = true): string => {
    let out = text;
    for (const value of values) if (out.includes(value)) out = out.replaceAll(value, REDACTED);
    if (!patterns || !TRIGGER.test(out)) return out;
    out = out.replace(HEADER_VALUE, `$1$2$3${REDACTED}`);
    out = out.replace(BEARER, `$1${REDACTED}`);
    out = out.replace(BASIC, `$1${REDACTED}`);
    out = out.replace(URL_USERINFO, `$1${REDACTED}@`);
    out = out.replace(KEY_VALUE, (_match, key: string, sep: string, dq?: string, sq?: string) => `${key}${sep}${dq ?? sq ?? ''}${REDACTED}`);
    for (const shape of KEY_SHAPES) out = out.replace(shape, REDACTED);
    return out;
  };

  return {
    scrubText: (text) => scrub(text, currentValues()),
    scrubJsonLine: (line) => {
      // Whole-line gates, so most strings of most lines skip the per-string work. They hold
      // because a decoded string's trigger or secret also appears in the raw line, unless it
      // was spelled with `\u` or `\/` escapes (which pino never writes; then no gate).
      const values = currentValues();
      if (line.includes('\\u') || line.includes('\\/')) return scrubJsonLine(line, isSecretKey, scrub, values);
      const present = values.filter((value) => line.includes(value) || line.includes(jsonEscape(value)));
      const patterns = TRIGGER.test(line);
      return scrubJsonLine(line, isSecretKey, (text, found) => scrub(text, found, patterns), present);
    },
  };
}

const BACKSLASH = 0x5c;

function jsonEscape(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
const NUMBER_CHAR = new Set('0123456789eE.+-');

/** Index of the closing quote of the string starting at `start`, or -1 if it never closes. */
function stringEnd(line: string, start: number): number {
  for (let i = line.indexOf('"', start + 1); i >= 0; i = line.indexOf('"', i + 1)) {
    // The quote closes the string unless an odd run of backslashes escapes it.
    let k = i - 1;
    while (line.charCodeAt(k) === BACKSLASH) k--;
    if ((i - 1 - k) % 2 === 0) return i;
  }
  return -1;
}

/** Index just past the object or array starting at `start`, or -1 if it never closes. */
function containerEnd(line: string, start: number): number {
  let depth = 0;
  for (let i = start; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') {
      i = stringEnd(line, i);
      if (i < 0) return -1;
    } else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * One pass over a JSON line: the value of every secret-looking key, at any depth, becomes
 * `[REDACTED]` (objects and arrays whole; null and booleans stay, they carry no secret);
 * every other string, keys included, goes through the text patterns. Anything that is not a
 * well-formed JSON line is scrubbed as plain text instead.
 */
function scrubJsonLine(
  line: string,
  isSecretKey: (key: string) => boolean,
  scrub: (text: string, values: readonly string[]) => string,
  values: readonly string[],
): string {
  if (!line.trimStart().startsWith('{')) return scrub(line, values);
  const parts: string[] = [];
  const inObject: boolean[] = [];
  let copied = 0; // line[copied..i) has not been emitted yet
  let expectKey = false;
  let secretValue = false;
  let i = 0;
  const replace = (from: number, to: number, text: string): void => {
    parts.push(line.slice(copied, from), text);
    copied = to;
  };
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === '"') {
      const end = stringEnd(line, i);
      if (end < 0) return scrub(line, values);
      const raw = line.slice(i, end + 1);
      let text = raw.slice(1, -1);
      if (text.includes('\\')) {
        try {
          text = JSON.parse(raw) as string;
        } catch {
          return scrub(line, values);
        }
      }
      if (expectKey) {
        secretValue = isSecretKey(text);
        expectKey = false;
        const scrubbed = scrub(text, values);
        if (scrubbed !== text) replace(i, end + 1, JSON.stringify(scrubbed));
      } else if (secretValue) {
        if (text !== REDACTED) replace(i, end + 1, JSON.stringify(REDACTED));
        secretValue = false;
      } else {
        const scrubbed = scrub(text, values);
        if (scrubbed !== text) replace(i, end + 1, JSON.stringify(scrubbed));
      }
      i = end + 1;
      continue;
    }
    if (ch === '{' || ch === '[') {
      if (secretValue) {
        const end = containerEnd(line, i);
        if (end < 0) return scrub(line, values);
        replace(i, end, JSON.stringify(REDACTED));
        secretValue = false;
        i = end;
        continue;
      }
      inObject.push(ch === '{');
      expectKey = ch === '{';
    } else if (ch === '}' || ch === ']') {
      inObject.pop();
      expectKey = false;
    } else if (ch === ',') {
      expectKey = inObject.at(-1) === true;
      secretValue = false;
    } else if (secretValue && (ch === '-' || (ch >= '0' && ch <= '9'))) {
      let end = i + 1;
      while (end < line.length && NUMBER_CHAR.has(line[end]!)) end++;
      replace(i, end, JSON.stringify(REDACTED));
      secretValue = false;
      i = end;
      continue;
    } else if (secretValue && (ch === 't' || ch === 'f' || ch === 'n')) {
      secretValue = false;
    }
    i++;
  }
  if (copied === 0) return line;
  parts.push(line.slice(copied));
  return parts.join('');
}
