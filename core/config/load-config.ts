/**
 * Finds and reads the config: the project file (cosmiconfig, in `cwd` only), the seed-compatible
 * `<stateDir>/clawdbot.json` under it, `${VAR}` substitution per file, env overrides on top.
 * Validation happens later, in the kernel.
 *
 * Two cosmiconfig 10 behaviours shape this file:
 * - Its own .ts/.js loader imports the plain file URL, and Node caches ES modules by URL, so an
 *   edited config came back unchanged. Our module loader adds the content's hash to the URL: an
 *   edit gives a new URL (a really re-read module), an unchanged file reuses the cached module.
 *   Every edit leaves one module instance in memory; config edits are rare enough for that.
 *   Modules the config itself imports (`./shared.ts`) are still cached by Node under their plain
 *   URL: editing those needs a restart.
 * - `cosmiconfig()` reads a "cosmiconfig" meta-config (package.json key or .config/config.json)
 *   in `process.cwd()` that can add search places, and a config may pull in other files with a
 *   `$import` key. Both are cosmiconfig features we do not use but cannot switch off.
 */
import { createHash } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cosmiconfig, defaultLoaders, type Loader } from 'cosmiconfig';
import { isMoltbotError, MoltbotError } from '../errors.ts';
import type { ConfigEnv } from './define-config.ts';
import { applyEnvOverrides, type EnvOverride } from './env-overrides.ts';
import { assertNoPrototypeKeys, mergeConfig, type ConfigObject } from './merge.ts';
import { expandHome, resolveStateDir } from './state-dir.ts';
import { substituteEnvVars } from './substitute.ts';

export interface LoadConfigOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  homeDir: string;
  /** Explicit path (CLI --config, or env MOLTBOT_CONFIG when absent); skips the search. */
  configFile?: string;
  /** Passed to function configs; default 'production'. */
  mode?: string;
}

export interface LoadedConfig {
  /** Merged, substituted, env-overridden; NOT validated, NOT frozen. */
  config: Record<string, unknown>;
  /** Project config file found (absolute), if any. */
  file?: string;
  /** `<stateDir>/clawdbot.json`, if it exists. */
  seedFile?: string;
  stateDir: string;
  envOverrides: EnvOverride[];
}

export const MODULE_NAME = 'moltbot';
export const SEED_FILE_NAME = 'clawdbot.json';

/**
 * Looked for in `cwd` only, first match wins; an empty file counts as found (an empty config).
 * package.json is read only for its "moltbot" key; `.moltbotrc` holds JSON or YAML. No YAML
 * file names and no .cjs: one obvious place per format keeps "which file is used?" answerable.
 */
export const SEARCH_PLACES: readonly string[] = [
  'package.json',
  `.${MODULE_NAME}rc`,
  `.${MODULE_NAME}rc.json`,
  `.${MODULE_NAME}rc.js`,
  `.${MODULE_NAME}rc.mjs`,
  `.${MODULE_NAME}rc.ts`,
  `.${MODULE_NAME}rc.mts`,
  `${MODULE_NAME}.config.ts`,
  `${MODULE_NAME}.config.mts`,
  `${MODULE_NAME}.config.js`,
  `${MODULE_NAME}.config.mjs`,
  `${MODULE_NAME}.config.json`,
];

export async function loadConfig(opts: LoadConfigOptions): Promise<LoadedConfig> {
  const cwd = path.resolve(opts.cwd);
  const stateDir = resolveStateDir(opts.env, opts.homeDir);
  const configEnv: ConfigEnv = { env: opts.env, cwd, mode: opts.mode ?? 'production' };

  const seedFile = path.join(stateDir, SEED_FILE_NAME);
  const seed = await readSeed(seedFile);
  const project = await readProjectConfig(opts, cwd, configEnv);

  const layers: { config: ConfigObject; file: string }[] = [];
  if (seed) layers.push({ config: seed.config, file: seedFile });
  if (project) layers.push(project);
  // Seed first so the project file wins; each layer is checked and substituted on its own so an
  // error names the file it is in.
  let merged: ConfigObject = {};
  for (const layer of layers) {
    assertNoPrototypeKeys(layer.config, layer.file);
    merged = mergeConfig(merged, substituteEnvVars(layer.config, opts.env, layer.file).value);
  }
  const { config, applied } = applyEnvOverrides(merged, opts.env);

  return {
    config,
    ...(project ? { file: project.file } : {}),
    ...(seed ? { seedFile } : {}),
    stateDir,
    envOverrides: applied,
  };
}

async function readSeed(file: string): Promise<{ config: ConfigObject } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw readError(file, error);
  }
  return { config: toConfigObject(text.trim() === '' ? undefined : parseJson(text, file), file) };
}

async function readProjectConfig(
  opts: LoadConfigOptions, cwd: string, configEnv: ConfigEnv,
): Promise<{ config: ConfigObject; file: string } | undefined> {
  const explorer = cosmiconfig(MODULE_NAME, {
    searchPlaces: [...SEARCH_PLACES],
    searchStrategy: 'none',
    ignoreEmptySearchPlaces: false,
    cache: false,
    loaders: createLoaders(configEnv),
  });
  const explicit = opts.configFile ?? nonEmpty(opts.env.MOLTBOT_CONFIG);
  const file = explicit === undefined ? undefined : path.resolve(cwd, expandHome(explicit, opts.homeDir));
  let result: Awaited<ReturnType<typeof explorer.search>>;
  try {
    result = file === undefined ? await explorer.search(cwd) : await explorer.load(file);
  } catch (error) {
    if (isMoltbotError(error)) throw error;
    const failed = (error as { filepath?: string }).filepath ?? file ?? cwd;
    throw readError(failed, error);
  }
  if (result === null) {
    if (file === undefined) return undefined;
    throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
      message: `${file} contains no Moltbot config`,
      file,
      fix: `Put the config object in ${path.basename(file)}${path.basename(file) === 'package.json' ? ' under the "moltbot" key' : ''}.`,
    });
  }
  return { config: toConfigObject(result.isEmpty ? undefined : result.config, result.filepath), file: result.filepath };
}

function createLoaders(configEnv: ConfigEnv): Record<string, Loader> {
  const loadModule: Loader = (filepath, content) => importConfigModule(filepath, content, configEnv);
  return {
    '.ts': loadModule, '.mts': loadModule, '.cts': loadModule,
    '.js': loadModule, '.mjs': loadModule, '.cjs': loadModule,
    '.json': (filepath, content) => parseJson(content, filepath),
    '.yaml': loadYaml, '.yml': loadYaml, noExt: loadYaml,
  };
}

function toConfigObject(value: unknown, file: string): ConfigObject {
  if (value === undefined) return {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as ConfigObject;
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
    message: `${file}: the config must be an object, got ${got}`,
    file,
    fix: 'Make the file (or the default export) an object such as { "gateway": { "port": 18789 } }.',
  });
}

function readError(file: string, error: unknown): MoltbotError {
  const code = (error as NodeJS.ErrnoException).code;
  const problem = code === 'ENOENT' ? 'does not exist'
    : code === 'EISDIR' ? 'is a directory'
    : code === 'EACCES' || code === 'EPERM' ? 'cannot be read (permission denied)'
    : `could not be read${code ? ` (${code})` : ''}`;
  return new MoltbotError('MOLT_ERR_CONFIG_LOAD', {
    message: `Config file ${file} ${problem}`,
    file,
    ...(code === 'ENOENT' ? { fix: 'Check the path given with --config or MOLTBOT_CONFIG.' } : {}),
    cause: error,
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

// ---------------------------------------------------------------------------------------------
// JavaScript and TypeScript configs

const STRIP_TYPES_FIX =
  'Node loads this config with type stripping: use `import type` for types, write relative imports ' +
  'with their extension (`./shared.ts`), and avoid enums, namespaces and parameter properties.';

async function importConfigModule(filepath: string, content: string, configEnv: ConfigEnv): Promise<unknown> {
  const real = await realpath(filepath);
  const url = pathToFileURL(real);
  url.search = `v=${createHash('sha256').update(content).digest('hex').slice(0, 16)}`;
  let namespace: { default?: unknown };
  try {
    namespace = await import(url.href);
  } catch (error) {
    throw moduleError(filepath, real, error);
  }
  if (namespace.default === undefined) {
    throw new MoltbotError('MOLT_ERR_CONFIG_LOAD', {
      message: `${filepath} has no default export`,
      file: filepath,
      fix: 'Export the config as the default: `export default defineConfig({ … })`.',
    });
  }
  const exported = namespace.default;
  const kind = typeof exported === 'function' ? 'function' : 'promise';
  let config: unknown;
  try {
    config = await (typeof exported === 'function' ? exported(configEnv) : exported);
  } catch (error) {
    throw new MoltbotError('MOLT_ERR_CONFIG_LOAD', {
      message: `${filepath}: the exported config ${kind} failed with ${errorName(error)}`,
      file: filepath,
      fix: 'See the cause below: the error comes from the config\'s own code.',
      cause: error,
    });
  }
  if (config === undefined) {
    // Usually `() => { gateway: … }`: braces after an arrow open a block, which returns nothing.
    throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
      message: `${filepath}: the exported config ${kind} produced undefined instead of a config object`,
      file: filepath,
      fix: 'Return the object from the function; an arrow function returns an object literal only in parentheses: `() => ({ … })`.',
    });
  }
  return config;
}

/**
 * Node's syntax errors carry the offending source line in `stack` (a secret may sit on it), so
 * they are reported by file, line, column and reason only, never attached as the cause.
 */
function moduleError(file: string, realFile: string, error: unknown): MoltbotError {
  const code = (error as { code?: unknown }).code;
  const reason = error instanceof Error ? error.message : String(error);
  const syntax = syntaxLocation(error);
  if (syntax) {
    const inImport = syntax.file !== undefined && syntax.file !== realFile;
    const where = `${inImport ? syntax.file : file}${atLine(syntax.line, syntax.column)}`;
    // A value import of something that only exists as a type fails when modules are linked.
    const typeAsValue = /does not provide an export named/.test(reason);
    const kind = code === 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX' ? 'TypeScript syntax Node cannot strip'
      : typeAsValue ? 'Import error' : 'Syntax error';
    const fix = code === 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX' ? STRIP_TYPES_FIX
      : typeAsValue ? 'Import types with `import type { … }`: Node strips those, but keeps plain imports and then finds no such export.'
      : syntax.line === undefined ? `Run \`node --check ${JSON.stringify(file)}\` to see the line and column.`
      : undefined;
    return new MoltbotError('MOLT_ERR_CONFIG_LOAD', {
      message: `${kind} in ${where}: ${reason}${inImport ? ` (imported by ${file})` : ''}`,
      file,
      ...(fix ? { fix } : {}),
      data: { ...(syntax.line === undefined ? {} : { line: syntax.line }), ...(syntax.column === undefined ? {} : { column: syntax.column }) },
    });
  }
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_UNSUPPORTED_DIR_IMPORT') {
    const missing = (error as { url?: unknown }).url;
    const noExtension = typeof missing === 'string' && missing.startsWith('file:') && path.extname(fileURLToPath(missing)) === '';
    return new MoltbotError('MOLT_ERR_CONFIG_LOAD', {
      message: `${file}: an import cannot be resolved: ${reason}`,
      file,
      fix: noExtension
        ? 'Write relative imports with their file extension (`./shared.ts`): Node resolves them without a bundler.'
        : 'Install the imported package in the project, or fix the import path.',
      cause: error,
    });
  }
  return new MoltbotError('MOLT_ERR_CONFIG_LOAD', {
    message: `${file}: loading the config module failed with ${errorName(error)}`,
    file,
    fix: 'See the cause below: the error comes from the config\'s own code or something it imports.',
    cause: error,
  });
}

/**
 * Compile errors, as opposed to a SyntaxError the config's code throws at run time (a JSON.parse
 * in it). Node decorates them with a first stack line `file:LINE` (TypeScript, CommonJS) followed
 * by the source line and a caret line; ES module syntax errors come without a position.
 */
function syntaxLocation(error: unknown): { file?: string; line?: number; column?: number } | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  const typescript = code === 'ERR_INVALID_TYPESCRIPT_SYNTAX' || code === 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX';
  if (!typescript && error.name !== 'SyntaxError') return undefined;
  const lines = (error.stack ?? '').split('\n');
  const decorated = /^(.+):(\d+)$/.exec(lines[0] ?? '');
  if (decorated) {
    // The code frame may span several source lines; the caret line marks the column.
    const caret = lines.slice(1, 8).map((line) => /^(\s*)\^+\s*$/.exec(line)).find((match) => match !== null);
    const file = decorated[1] as string;
    return {
      file: file.startsWith('file://') ? fileURLToPath(file) : file,
      line: Number(decorated[2]),
      ...(caret ? { column: (caret[1] as string).length + 1 } : {}),
    };
  }
  if (typescript || lines.some((line) => line.includes('compileSourceTextModule'))) return {};
  return undefined;
}

function atLine(line: number | undefined, column: number | undefined): string {
  if (line === undefined) return '';
  return column === undefined ? ` at line ${line}` : ` at line ${line}, column ${column}`;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : `a thrown ${typeof error}`;
}

// ---------------------------------------------------------------------------------------------
// JSON and YAML

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

function loadYaml(file: string, content: string): unknown {
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
