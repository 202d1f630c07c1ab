/**
 * Turns ajv errors into the lines a user reads (webpack schema-utils style):
 *   Invalid config at moltbot.config.ts:
 *    - gateway.port must be integer (got "abc") -> Port of the WebSocket + HTTP server.
 * Paths are written as in the config file, unknown keys and enum typos get a "did you mean",
 * and the value of a secret field is never printed (CF-04).
 */
import type { ErrorObject } from 'ajv';
import { closestMatch } from 'leven';
import { joinPath } from '../config/merge.ts';
import { createRedactor } from '../redact.ts';
import { containsSecretKey, looksSecretKey, schemaHasSecrets } from './secrets.ts';

export interface ValidationIssue {
  path: string;
  message: string;
  description?: string;
  suggestion?: string;
}

export interface FormatOptions {
  heading: string;
  basePath?: string;
}

type Schema = Record<string, unknown>;

const MAX_PREVIEW = 40;
const MAX_LISTED_KEYS = 8;
/** Keywords that judge a value (so showing it helps); structural ones (required, minItems…) do not. */
const VALUE_KEYWORDS = new Set([
  'type', 'enum', 'const', 'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'multipleOf', 'minLength', 'maxLength', 'formatMinimum', 'formatMaximum', 'formatExclusiveMinimum', 'formatExclusiveMaximum',
]);
// The pattern pass catches a secret-shaped value (API key, URL password) even in a field nobody marked secret.
const redactor = createRedactor();

export function describeIssues(errors: readonly ErrorObject[], basePath = ''): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  const pruned = pruneComposites(errors);
  for (const error of pruned) {
    const issue = describe(error, basePath, pruned);
    if (issue === undefined) continue;
    const key = `${issue.path}\0${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

export function formatIssues(heading: string, issues: readonly ValidationIssue[]): string {
  const lines = issues.map((issue) => ` - ${issue.path} ${issue.message}${issue.description ? ` -> ${issue.description}` : ''}`);
  return [heading, ...lines].join('\n');
}

function describe(error: ErrorObject, basePath: string, all: readonly ErrorObject[]): ValidationIssue | undefined {
  const segments = pointerSegments(error.instancePath);
  const parent = asSchema(error.parentSchema);
  const params = error.params as Record<string, unknown>;
  // Inner errors of propertyNames carry `propertyName`; the propertyNames error itself says it better.
  if ((error as { propertyName?: string }).propertyName !== undefined) return undefined;
  switch (error.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return unknownKey(String(params.additionalProperty ?? params.unevaluatedProperty), segments, parent, basePath);
    case 'required':
    case 'dependencies':
    case 'dependentRequired': {
      const missing = String(params.missingProperty);
      const property = asSchema(asSchema(parent?.properties)?.[missing]);
      return issue(toPath(basePath, [...segments, missing]), 'is required', describedBy(property) ?? describedBy(parent));
    }
    case 'propertyNames': {
      const name = String(params.propertyName);
      const reason = all.find((inner) => (inner as { propertyName?: string }).propertyName === name && inner.instancePath === error.instancePath);
      const message = RESERVED_KEYS.has(name)
        ? 'is a reserved name; __proto__, constructor and prototype are never config keys'
        : `is not an allowed key name${reason?.message ? ` (${reason.message})` : ''}`;
      return issue(toPath(basePath, [...segments, name]), message, describedBy(parent));
    }
    default:
      return valueIssue(error, segments, parent, basePath);
  }
}

const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function unknownKey(key: string, segments: string[], parent: Schema | undefined, basePath: string): ValidationIssue {
  const path = toPath(basePath, [...segments, key]);
  const properties = asSchema(parent?.properties) ?? {};
  const known = Object.keys(properties);
  const suggestion = closestMatch(key, known, { maxDistance: Math.max(2, Math.floor(key.length / 3)) });
  if (suggestion !== undefined) {
    const result = issue(path, `is not a known key; did you mean "${suggestion}"?`, describedBy(asSchema(properties[suggestion])));
    result.suggestion = suggestion;
    return result;
  }
  if (known.length === 0) return issue(path, 'is not an allowed key', describedBy(parent));
  const listed = known.slice(0, MAX_LISTED_KEYS).map((name) => JSON.stringify(name)).join(', ');
  const more = known.length > MAX_LISTED_KEYS ? `, … (${known.length - MAX_LISTED_KEYS} more)` : '';
  return issue(path, `is not a known key; allowed keys: ${listed}${more}`, describedBy(parent));
}

function valueIssue(error: ErrorObject, segments: string[], parent: Schema | undefined, basePath: string): ValidationIssue {
  const path = toPath(basePath, segments);
  const hidden = isHidden(error, segments, parent);
  const params = error.params as Record<string, unknown>;
  let message: string;
  let suggestion: string | undefined;
  if (error.keyword === 'type') {
    message = `must be ${listWords(String(params.type).split(','))}`;
  } else if (error.keyword === 'enum') {
    const allowed = Array.isArray(params.allowedValues) ? params.allowedValues : [];
    message = `must be one of ${allowed.map(preview).join(', ')}`;
    if (hidden === undefined && typeof error.data === 'string') {
      const strings = allowed.filter((value): value is string => typeof value === 'string');
      suggestion = closestMatch(error.data, strings, { maxDistance: Math.max(2, Math.floor(error.data.length / 3)) });
    }
  } else if (error.keyword === 'const') {
    message = `must be ${preview(params.allowedValue)}`;
  } else {
    message = error.message ?? `must pass "${error.keyword}"`;
  }
  if (VALUE_KEYWORDS.has(error.keyword)) message += hidden ? ` (value hidden: ${hidden})` : ` (got ${redactor.scrubText(preview(error.data))})`;
  if (suggestion !== undefined) message += `; did you mean "${suggestion}"?`;
  const result = issue(path, message, describedBy(parent));
  if (suggestion !== undefined) result.suggestion = suggestion;
  return result;
}

/** Why the value must not be printed, if it must not: it is, holds or may hold a secret. */
function isHidden(error: ErrorObject, segments: string[], parent: Schema | undefined): string | undefined {
  if (parent?.secret === true || segments.some((segment) => !/^\d+$/.test(segment) && looksSecretKey(segment))) return 'secret field';
  if ((parent !== undefined && schemaHasSecrets(parent)) || containsSecretKey(error.data)) return 'may hold a secret';
  return undefined;
}

function issue(path: string, message: string, description: string | undefined): ValidationIssue {
  return description === undefined ? { path, message } : { path, message, description };
}

function describedBy(schema: Schema | undefined): string | undefined {
  return typeof schema?.description === 'string' && schema.description !== '' ? schema.description : undefined;
}

function asSchema(value: unknown): Schema | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Schema) : undefined;
}

/** JSON pointer (`/plugins/2/options`) → unescaped segments. */
function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Numeric segments read as array indexes: `plugins[2].options.url`. */
function toPath(basePath: string, segments: readonly string[]): string {
  const path = segments.reduce<string>((parent, segment) => joinPath(parent, /^\d+$/.test(segment) ? Number(segment) : segment), basePath);
  return path === '' ? '(root)' : path;
}

function preview(value: unknown): string {
  let text: string | undefined;
  try {
    text = typeof value === 'function' ? 'a function' : JSON.stringify(value);
  } catch {
    text = undefined;
  }
  text ??= String(value);
  return text.length > MAX_PREVIEW ? `${text.slice(0, MAX_PREVIEW - 1)}…` : text;
}

function listWords(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/**
 * anyOf/oneOf report every branch's failure plus their own. Keep what the user meant: branches
 * whose type does not even match the value are dropped, and of the rest the one that got
 * deepest into the value wins. When no branch matches the type, one merged type error remains.
 * Innermost composites first, so an outer one sees the already-pruned inner result.
 */
function pruneComposites(errors: readonly ErrorObject[]): ErrorObject[] {
  // `if` only says "must match then": the then/else errors follow it. `contains` reports every
  // item that did not match, when the point is that none did.
  const containers = errors.filter((error) => error.keyword === 'contains').map((error) => `${error.schemaPath}/`);
  let list = errors.filter((error) => error.keyword !== 'if' && !containers.some((prefix) => error.schemaPath.startsWith(prefix)));
  const composites = list
    .filter((error) => error.keyword === 'anyOf' || error.keyword === 'oneOf')
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const composite of composites) {
    const prefix = `${composite.schemaPath}/`;
    const inBranch = list.filter((error) => error.schemaPath.startsWith(prefix) && within(error.instancePath, composite.instancePath));
    if (inBranch.length === 0) continue;
    const branches = new Map<string, ErrorObject[]>();
    for (const error of inBranch) {
      const branch = error.schemaPath.slice(prefix.length).split('/')[0] ?? '';
      branches.set(branch, [...(branches.get(branch) ?? []), error]);
    }
    const mismatched = (branch: ErrorObject[]) => branch.some((error) => error.keyword === 'type' && error.instancePath === composite.instancePath);
    const applicable = [...branches.values()].filter((branch) => !mismatched(branch));
    const replacement = applicable.length > 0
      ? applicable.reduce((best, branch) => (deepest(branch) > deepest(best) ? branch : best))
      : [mergedTypeError(composite, inBranch)];
    const at = list.indexOf(inBranch[0]!);
    const rest = list.filter((error) => error !== composite && !inBranch.includes(error));
    list = [...rest.slice(0, at), ...replacement, ...rest.slice(at)];
  }
  return list;
}

function mergedTypeError(composite: ErrorObject, inBranch: readonly ErrorObject[]): ErrorObject {
  const types = new Set<string>();
  for (const error of inBranch) {
    if (error.keyword === 'type' && error.instancePath === composite.instancePath) {
      for (const type of String((error.params as { type?: unknown }).type).split(',')) types.add(type);
    }
  }
  return { ...composite, keyword: 'type', params: { type: [...types].join(',') } };
}

function within(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}/`);
}

function deepest(errors: readonly ErrorObject[]): number {
  return Math.max(...errors.map((error) => (error.instancePath === '' ? 0 : error.instancePath.split('/').length - 1)));
}
