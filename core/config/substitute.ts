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

/** Returns a copy of `value` with references replaced in every string of its plain data. */
export function substituteEnvVars<T>(value: T, env: Record<string, string | undefined>, file?: string): SubstituteResult<T> {
  const substitutedPaths = new Set<string>();

  const replaceIn = (text: string, path: string): string => {
    let substituted = false;
    const result = text.replace(REFERENCE, (_match, escape: string, name: string) => {
      if (escape === '$') return `\${${name}}`;
      const envValue = env[name];
      if (envValue === undefined || envValue === '') throw missing(name, envValue === '' ? 'is empty' : 'is not set', path, file);
      substituted = true;
      return envValue;
    });
    if (substituted) substitutedPaths.add(path);
    return result;
  };

  // The root is walked even if it holds a function; nested code objects (plugins) are not.
  const visit = (node: unknown, path: string, root: boolean): unknown => {
    if (typeof node === 'string') return replaceIn(node, path);
    if (Array.isArray(node)) return node.map((item, index) => visit(item, joinPath(path, index), false));
    if (isPlainObject(node) && (root || isDataObject(node))) {
      const copy: ConfigObject = {};
      for (const [key, item] of Object.entries(node)) setOwn(copy, key, visit(item, joinPath(path, key), false));
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
