/**
 * Where secrets live in a config, read from its JSON Schema: fields marked `"secret": true`,
 * plus any key whose name looks secret (a schema may forget the mark; open maps have no schema
 * for their keys at all). Used for log redaction paths, `config print` masking and the log
 * redactor's literal pass.
 */
import { REDACTED } from '../redact.ts';
import { isPlainObject } from '../plain.ts';

type Schema = Record<string, unknown>;

/**
 * `password`, `appSecret`, `credentials`, `apiKey`, `botToken`, `privateKey`… Only a `token` or
 * `key` at the end counts: `maxTokens` is a number of tokens, `keyPath` a file name.
 */
export function looksSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return /passw(or)?d|secret|credential|apikey|passphrase/.test(normalized) || /(token|key)$/.test(normalized);
}

/** Dot paths of every secret field, `*` standing for any map key or array index. */
export function secretPaths(schema: object): string[] {
  const found = new Set<string>();
  const root = schema as Schema;
  const active = new Set<object>();
  const walk = (node: unknown, path: string): void => {
    if (!isSchema(node) || active.has(node)) return;
    active.add(node);
    if (node.secret === true && path !== '') found.add(path);
    if (typeof node.$ref === 'string') walk(resolveRef(root, node.$ref), path);
    for (const branch of alternatives(node)) walk(branch, path);
    for (const [key, child] of entriesOf(node.properties)) {
      const childPath = joinSecretPath(path, key);
      if (looksSecretKey(key)) found.add(childPath);
      walk(child, childPath);
    }
    for (const [, child] of entriesOf(node.patternProperties)) walk(child, joinSecretPath(path, '*'));
    walk(node.additionalProperties, joinSecretPath(path, '*'));
    const items = Array.isArray(node.items) ? node.items : [node.items];
    for (const child of [...items, ...(Array.isArray(node.prefixItems) ? node.prefixItems : []), node.additionalItems]) {
      walk(child, joinSecretPath(path, '*'));
    }
    active.delete(node);
  };
  walk(root, '');
  return [...found];
}

/** Deep copy of `value` with every secret that is set replaced by `"[REDACTED]"`. */
export function maskSecrets<T>(value: T, schema: object): T {
  return mapSecrets(value, [schema as Schema], schema as Schema, false, () => REDACTED) as T;
}

/** The secret strings present in `value` (for the log redactor's literal pass), each once. */
export function collectSecretValues(value: unknown, schema: object): string[] {
  const found = new Set<string>();
  const collect = (secret: unknown): unknown => {
    if (typeof secret === 'string') found.add(secret);
    else if (typeof secret === 'object' && secret !== null) Object.values(secret).forEach(collect);
    return secret;
  };
  mapSecrets(value, [schema as Schema], schema as Schema, false, collect);
  return [...found];
}

/** True when `schema` (or anything below it) holds a secret field. */
export function schemaHasSecrets(schema: object): boolean {
  return (schema as Schema).secret === true || secretPaths(schema).length > 0;
}

/** True when `value` is an object or array with a secret-looking key at any depth. */
export function containsSecretKey(value: unknown, seen: Set<object> = new Set()): boolean {
  if (typeof value !== 'object' || value === null || seen.has(value)) return false;
  seen.add(value);
  return Object.entries(value).some(([key, child]) => (!Array.isArray(value) && looksSecretKey(key)) || containsSecretKey(child, seen));
}

function mapSecrets(value: unknown, schemas: Schema[], root: Schema, secret: boolean, onSecret: (value: unknown) => unknown): unknown {
  if (secret && value !== undefined && value !== null && value !== '') return onSecret(value);
  const here = expand(schemas, root);
  if (Array.isArray(value)) {
    return value.map((item, index) => {
      const children = itemSchemas(here, index);
      return mapSecrets(item, children, root, children.some(isMarkedSecret), onSecret);
    });
  }
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const children = propertySchemas(here, key);
    const byName = looksSecretKey(key) && (typeof item === 'string' || typeof item === 'number');
    const mapped = mapSecrets(item, children, root, byName || children.some(isMarkedSecret), onSecret);
    // defineProperty: a `__proto__` key stays an own key instead of replacing the prototype.
    Object.defineProperty(copy, key, { value: mapped, writable: true, enumerable: true, configurable: true });
  }
  return copy;
}

/** The schemas plus everything they reach without descending into data: `$ref`, anyOf/oneOf/allOf, if/then/else. */
function expand(schemas: Schema[], root: Schema): Schema[] {
  const out: Schema[] = [];
  const visit = (node: unknown): void => {
    if (!isSchema(node) || out.includes(node)) return;
    out.push(node);
    if (typeof node.$ref === 'string') visit(resolveRef(root, node.$ref));
    alternatives(node).forEach(visit);
  };
  schemas.forEach(visit);
  return out;
}

function propertySchemas(schemas: Schema[], key: string): Schema[] {
  const out: unknown[] = [];
  for (const schema of schemas) {
    const named = isSchema(schema.properties) && Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
    const patterned = entriesOf(schema.patternProperties).filter(([pattern]) => safeTest(pattern, key)).map(([, child]) => child);
    if (named !== undefined) out.push(named);
    out.push(...patterned);
    if (named === undefined && patterned.length === 0) out.push(schema.additionalProperties);
  }
  return out.filter(isSchema);
}

function itemSchemas(schemas: Schema[], index: number): Schema[] {
  const out: unknown[] = [];
  for (const schema of schemas) {
    const tuple = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : undefined;
    if (tuple === undefined) out.push(schema.items);
    else if (index < tuple.length) out.push(tuple[index]);
    else out.push(Array.isArray(schema.prefixItems) ? schema.items : schema.additionalItems);
  }
  return out.filter(isSchema);
}

function alternatives(node: Schema): unknown[] {
  return ['anyOf', 'oneOf', 'allOf'].flatMap((keyword) => (Array.isArray(node[keyword]) ? node[keyword] : []))
    .concat([node.then, node.else]);
}

function isMarkedSecret(schema: Schema): boolean {
  return schema.secret === true;
}

/** Only references inside the same document (`#`, `#/definitions/x`, `#/$defs/x`). */
function resolveRef(root: Schema, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isSchema(node) && !Array.isArray(node)) return undefined;
    node = Object.hasOwn(node, key) ? (node as Schema)[key] : undefined;
  }
  return node;
}

function entriesOf(value: unknown): [string, unknown][] {
  return isSchema(value) ? Object.entries(value) : [];
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function safeTest(pattern: string, key: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(key);
  } catch {
    return false;
  }
}

/** pino `redact` path syntax: `a.b`, `a.*`, `a["odd-key"]`. */
function joinSecretPath(parent: string, key: string): string {
  if (key === '*' || /^[A-Za-z_$][\w$]*$/.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}
