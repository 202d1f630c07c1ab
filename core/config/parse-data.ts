/** JSON and YAML config files: parse errors name file, line and column, never the file's text. */
import path from 'node:path';
import { defaultLoaders } from 'cosmiconfig';
import { MoltbotError } from '../errors.ts';
import { atLine } from './import-module.ts';

/**
 * CF-03: the error names file, line and column. V8's own message is not used: its "Unexpected
 * token" form quotes the surrounding source (secrets included) and gives no position, so the
 * position and reason come from a small scanner that runs only after JSON.parse failed.
 */
export function parseJson(text: string, file: string): unknown {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(source);
  } catch {
    const found = findJsonError(source) ?? { offset: source.length, reason: 'invalid JSON' };
    const { line, column } = lineColumn(source, found.offset);
    throw new MoltbotError('MOLT_ERR_CONFIG_LOAD', {
      message: `Invalid JSON in ${file}${atLine(line, column)}: ${found.reason}`,
      file,
      fix: `Fix the JSON syntax at line ${line}, column ${column} of ${path.basename(file)}, or remove the file.`,
      data: { line, column },
    });
  }
}

export function loadYaml(file: string, content: string): unknown {
  try {
    return (defaultLoaders.noExt as (file: string, content: string) => unknown)(file, content);
  } catch (error) {
    // js-yaml's message embeds a code frame of the file; only its reason and position are used.
    const { reason, mark } = error as { reason?: string; mark?: { line: number; column: number } };
    throw new MoltbotError('MOLT_ERR_CONFIG_LOAD', {
      message: `Invalid YAML in ${file}${mark ? atLine(mark.line + 1, mark.column + 1) : ''}: ${reason ?? 'syntax error'}`,
      file,
      ...(mark ? { data: { line: mark.line + 1, column: mark.column + 1 } } : {}),
    });
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

class JsonSyntax {
  readonly offset: number;
  readonly reason: string;
  constructor(offset: number, reason: string) {
    this.offset = offset;
    this.reason = reason;
  }
}

/** Offset and reason of the first RFC 8259 violation, or undefined if the text is valid JSON. */
function findJsonError(text: string): { offset: number; reason: string } | undefined {
  let i = 0;
  const fail = (reason: string, at = i): never => {
    throw new JsonSyntax(at, reason);
  };
  // One character of context is enough to see the mistake and too short to leak a secret.
  const found = (): string => {
    if (i >= text.length) return 'end of input';
    const code = text.charCodeAt(i);
    return code > 0x20 && code < 0x7f ? JSON.stringify(text[i]) : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  };
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const string = (): void => {
    const start = i++;
    while (i < text.length) {
      const char = text[i] as string;
      if (char === '"') {
        i++;
        return;
      }
      if (char === '\\') {
        const next = text[i + 1] ?? '';
        if (next === 'u') {
          const bad = /[^0-9a-fA-F]/.exec(text.slice(i + 2, i + 6).padEnd(4, ' '));
          if (bad) fail('invalid \\u escape in string (4 hex digits expected)', i + 2 + bad.index);
          i += 6;
        } else if (next !== '' && '"\\/bfnrt'.includes(next)) {
          i += 2;
        } else {
          fail('invalid escape sequence in string', i + 1);
        }
      } else if (char.charCodeAt(0) < 0x20) {
        fail('control character in string (write line breaks and tabs as \\n and \\t)');
      } else {
        i++;
      }
    }
    fail('unterminated string (it starts here)', start);
  };
  const value = (): void => {
    skipSpace();
    const char = text[i];
    if (char === '{') return object();
    if (char === '[') return array();
    if (char === '"') return string();
    if (char === '-' || isDigit(char)) return number();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    if (char === "'") fail('strings must use double quotes');
    fail(`expected a value, found ${found()}`);
  };
  const digits = (reason: string): void => {
    if (!isDigit(text[i])) fail(reason);
    while (isDigit(text[i])) i++;
  };
  const number = (): void => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits('no digit after the minus sign');
    if (text[i] === '.') {
      i++;
      digits('no digit after the decimal point');
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits('no digit in the exponent');
    }
  };
  const members = (close: '}' | ']', member: () => void, what: string): void => {
    i++;
    skipSpace();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      member();
      skipSpace();
      if (text[i] === close) {
        i++;
        return;
      }
      if (text[i] !== ',') fail(`expected ',' or '${close}' after ${what}, found ${found()}`);
      i++;
      skipSpace();
      if (text[i] === close) fail(`trailing comma before '${close}' (JSON allows none)`);
    }
  };
  const object = (): void => members('}', () => {
    skipSpace();
    if (text[i] !== '"') fail(`expected a property name in double quotes, found ${found()}`);
    string();
    skipSpace();
    if (text[i] !== ':') fail(`expected ':' after a property name, found ${found()}`);
    i++;
    value();
  }, 'a property value');
  const array = (): void => members(']', value, 'an array element');

  try {
    value();
    skipSpace();
    if (i < text.length) fail(`unexpected ${found()} after the JSON value`);
    return undefined;
  } catch (error) {
    if (error instanceof JsonSyntax) return { offset: error.offset, reason: error.reason };
    throw error;
  }
}
