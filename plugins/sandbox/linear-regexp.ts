/**
 * A linear-time regular-expression engine for ajv (`code.regExp`), used for schemas that come
 * from untrusted tool code: RE2JS (a pure-JS port of RE2) matches in time linear in the input, so
 * a pattern like `^(a|a)+$` cannot make validation take exponential time.
 *
 * RE2 has no lookaround and no backreferences: a schema that uses them is refused when it is
 * compiled (the tool is skipped with that message). JavaScript's `\uXXXX` and `\u{X}` escapes
 * are rewritten to RE2's `\x{X}`.
 */
import { RE2JS } from 're2js';

export interface LinearRegExp {
  test(input: string): boolean;
  /** ajv caches compiled patterns by this string: it must differ per pattern. */
  toString(): string;
}

export function linearRegExp(pattern: string, flags: string): LinearRegExp {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(toRe2Syntax(pattern));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`pattern ${JSON.stringify(pattern.slice(0, 200))} is not supported by the linear-time regex engine (RE2: no lookaround, no backreferences): ${reason}`);
  }
  const key = `/${pattern}/${flags}`;
  return { test: (input) => compiled.test(input), toString: () => key };
}
// For ajv's standalone code generation (not used here): names where the engine comes from.
linearRegExp.code = 'linearRegExp';

/** `\uXXXX` and `\u{X…}` (JavaScript) become `\x{X…}` (RE2); every other escape is kept as written. */
export function toRe2Syntax(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char !== '\\' || i + 1 >= pattern.length) {
      out += char;
      continue;
    }
    const next = pattern[i + 1];
    if (next === 'u') {
      const fixed = /^[0-9a-fA-F]{4}/.exec(pattern.slice(i + 2, i + 6));
      const braced = /^\{([0-9a-fA-F]{1,6})\}/.exec(pattern.slice(i + 2, i + 10));
      if (fixed !== null) {
        out += `\\x{${fixed[0]}}`;
        i += 5;
        continue;
      }
      if (braced !== null) {
        out += `\\x{${braced[1]}}`;
        i += 1 + braced[0].length;
        continue;
      }
    }
    out += char + next;
    i++;
  }
  return out;
}
