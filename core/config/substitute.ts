/**
 * `${VAR}` references in config strings, so secrets live in the environment instead of files
 * (the security audit flags literal secrets). CF-07: a reference to an unset or empty variable
 * is an error naming the variable, the config path and the file; it never silently becomes "".
 * Only upper-case names are references, so `${lowercase}` and shell-like text stay literal;
 * `$${VAR}` is the escape for a literal `${VAR}`.
 */
import { MoltbotError } from '../errors.ts';
import { isPlainObject } from '../plain.ts';
import { isDataObject, joinPath, setOwn, type ConfigObject } from './merge.ts';

export interface SubstituteResult<T> {
  value: T;
  /** Config paths whose value now contains text from the environment (treat them as secrets). */
  substitutedPaths: Set<string>;
}

const REFERENCE = /\$(\$?)\{([A-Z_][A-Z0-9_]*)\}/g;

/** A reference could not be resolved and the caller asked to collect it (see `onMissing`). */
const UNRESOLVED = Symbol('unresolved');

/**
 * Returns a copy of `value` with references replaced in every string of its plain data.
 * `onMissing` (inspect-only commands): an unset variable is handed over instead of thrown, and
 * the key holding it is left out (a list item keeps its unreplaced text), so the rest of the
 * config can still be read and checked.
 */
export function substituteEnvVars<T>(value: T, env: Record<string, string | undefined>, file?: string, onMissing?: (problem: MoltbotError) => void): SubstituteResult<T> {
  const substitutedPaths = new Set<string>();

  const replaceIn = (text: string, path: string): string | typeof UNRESOLVED => {
    let substituted = false;
    let unresolved = false;
    const result = text.replace(REFERENCE, (_match, escape: string, name: string) => {
      if (escape === '$') return `\${${name}}`;
      const envValue = env[name];
      if (envValue === undefined || envValue === '') {
        const problem = missing(name, envValue === '' ? 'is empty' : 'is not set', path, file);
        if (onMissing === undefined) throw problem;
        onMissing(problem);
        unresolved = true;
        return _match;
      }
      substituted = true;
      return envValue;
    });
    if (unresolved) return UNRESOLVED;
    if (substituted) substitutedPaths.add(path);
    return result;
  };

  // The root is walked even if it holds a function; nested code objects (plugins) are not.
  const visit = (node: unknown, path: string, root: boolean): unknown => {
    if (typeof node === 'string') return replaceIn(node, path);
    if (Array.isArray(node)) {
      return node.map((item, index) => {
        const replaced = visit(item, joinPath(path, index), false);
        return replaced === UNRESOLVED ? item : replaced;
      });
    }
    if (isPlainObject(node) && (root || isDataObject(node))) {
      const copy: ConfigObject = {};
      for (const [key, item] of Object.entries(node)) {
        const replaced = visit(item, joinPath(path, key), false);
        if (replaced !== UNRESOLVED) setOwn(copy, key, replaced);
      }
      return copy;
    }
    return node;
  };

  return { value: visit(value, '', true) as T, substitutedPaths };
}

function missing(name: string, problem: string, path: string, file: string | undefined): MoltbotError {
  const where = `${path === '' ? 'the config' : path}${file === undefined ? '' : ` in ${file}`}`;
  return new MoltbotError('MOLT_ERR_CONFIG_ENV_MISSING', {
    message: `Environment variable ${name} ${problem} (referenced as \${${name}} at ${where})`,
    ...(path === '' ? {} : { path }),
    ...(file === undefined ? {} : { file }),
    fix: problem === 'is empty'
      ? `Give ${name} a value before starting; an empty value is never substituted. Write $\${${name}} for a literal "\${${name}}".`
      : `Export ${name} before starting, or write $\${${name}} for a literal "\${${name}}".`,
    data: { variable: name },
  });
}
