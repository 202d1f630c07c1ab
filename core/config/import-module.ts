/**
 * Imports a .ts/.js config module through Node (type stripping for TypeScript). The URL carries
 * the content's hash: Node caches ES modules by URL, so an edited config is really re-read while
 * an unchanged one reuses the cached module. Errors name file, line and column, never the source.
 */
import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMoltbotError, MoltbotError } from '../errors.ts';
import type { ConfigEnv } from './define-config.ts';

const STRIP_TYPES_FIX =
  'Node loads this config with type stripping: use `import type` for types, write relative imports ' +
  'with their extension (`./shared.ts`), and avoid enums, namespaces and parameter properties.';

export async function importConfigModule(filepath: string, content: string, configEnv: ConfigEnv): Promise<unknown> {
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

export function atLine(line: number | undefined, column: number | undefined): string {
  if (line === undefined) return '';
  return column === undefined ? ` at line ${line}` : ` at line ${line}, column ${column}`;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : `a thrown ${typeof error}`;
}
