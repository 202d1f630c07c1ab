/**
 * The host capabilities a sandboxed tool can reach, run in the gateway: a per-session
 * key-value store and an egress-allowlisted `fetch`. Arguments arrive as JSON text from the
 * worker (copied out of the isolate) and are validated as plain data before anything runs;
 * results go back as JSON text. Refusals name the rule, never echo a URL (it may carry a token).
 */
import validateFetch from '../../schemas/generated/sandbox.capability.fetch.validate.ts';
import validateKvDelete from '../../schemas/generated/sandbox.capability.kv.delete.validate.ts';
import validateKvGet from '../../schemas/generated/sandbox.capability.kv.get.validate.ts';
import validateKvSet from '../../schemas/generated/sandbox.capability.kv.set.validate.ts';
import type { Validator } from '../../sdk/core/index.ts';
import { SandboxError } from './errors.ts';
import type { CapabilityHost } from './pool.ts';

export interface CapabilityOptions {
  kv: { maxKeys: number; maxValueBytes: number };
  fetch: { allow: readonly string[]; timeoutMs: number; maxBytes: number };
}

// Precompiled from schemas/sandbox-capabilities/ (npm run build:schemas): compiled at start they
// cost every start tens of ms, compiled on first use they spent the first call's time limit.
const VALIDATORS = Object.freeze({ 'kv.get': validateKvGet, 'kv.delete': validateKvDelete, 'kv.set': validateKvSet, fetch: validateFetch }) satisfies Readonly<Record<string, Validator>>;

type Name = keyof typeof VALIDATORS;

export function createCapabilities(options: CapabilityOptions): CapabilityHost & { kvSize(sessionKey: string): number } {
  const stores = new Map<string, Map<string, string>>();
  const refuse = (message: string) => new SandboxError('MOLT_ERR_SANDBOX_CAPABILITY', message);

  const handler = async (sessionKey: string | undefined, name: string, argsJson: string): Promise<string> => {
    const validate: Validator | undefined = Object.hasOwn(VALIDATORS, name) ? VALIDATORS[name as Name] : undefined;
    if (validate === undefined) throw refuse(`unknown host capability "${name.slice(0, 40)}"`);
    let args: unknown;
    try {
      args = JSON.parse(argsJson);
    } catch {
      throw refuse(`${name}: arguments are not JSON data`);
    }
    if (!validate(args)) throw refuse(`${name}: invalid arguments (${validate.errors?.[0]?.instancePath || '/'} ${validate.errors?.[0]?.message ?? ''})`);
    const list = args as unknown[];
    const store = storeFor(sessionKey ?? '');
    switch (name as Name) {
      case 'kv.get':
        return store.get(list[0] as string) ?? 'null';
      case 'kv.delete':
        return JSON.stringify(store.delete(list[0] as string));
      case 'kv.set': {
        const value = JSON.stringify(list[1]);
        if (Buffer.byteLength(value) > options.kv.maxValueBytes) throw refuse(`kv.set: value is over ${options.kv.maxValueBytes} bytes`);
        if (!store.has(list[0] as string) && store.size >= options.kv.maxKeys) throw refuse(`kv.set: the store holds its maximum of ${options.kv.maxKeys} keys`);
        store.set(list[0] as string, value);
        return 'true';
      }
      case 'fetch':
        return JSON.stringify(await boundedFetch(list[0] as string, list[1] as FetchInit | null, options.fetch, refuse));
    }
  };

  function storeFor(sessionKey: string): Map<string, string> {
    let store = stores.get(sessionKey);
    if (store === undefined) stores.set(sessionKey, (store = new Map()));
    return store;
  }

  return Object.assign(handler, { kvSize: (sessionKey: string) => stores.get(sessionKey)?.size ?? 0 });
}

interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** `host` matches an entry exactly, or `*.example.com` matches any subdomain of example.com. */
export function hostAllowed(host: string, allow: readonly string[]): boolean {
  const name = host.toLowerCase();
  return allow.some((entry) => {
    const rule = entry.toLowerCase();
    return rule.startsWith('*.') ? name.endsWith(rule.slice(1)) && name.length > rule.length - 1 : name === rule;
  });
}

async function boundedFetch(
  raw: string,
  init: FetchInit | null,
  limits: CapabilityOptions['fetch'],
  refuse: (message: string) => SandboxError,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('fetch: not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse(`fetch: protocol ${url.protocol} is not allowed`);
  if (url.username !== '' || url.password !== '') throw refuse('fetch: credentials in the URL are not allowed');
  if (!hostAllowed(url.host, limits.allow) && !hostAllowed(url.hostname, limits.allow)) {
    throw refuse(`fetch: host "${url.hostname}" is not in sandbox.fetch.allow`);
  }
  // Redirects are returned, not followed: following one could leave the allowlist.
  const response = await fetch(url, {
    method: init?.method ?? 'GET',
    headers: init?.headers,
    body: init?.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(limits.timeoutMs),
  }).catch((error: unknown) => {
    throw refuse(`fetch: request to "${url.hostname}" failed (${error instanceof Error ? error.name : 'error'})`);
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += (chunk as Uint8Array).byteLength;
    if (size > limits.maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw refuse(`fetch: response is over ${limits.maxBytes} bytes`);
    }
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'location', 'content-length']) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return { status: response.status, headers, body: Buffer.concat(chunks).toString('utf8') };
}
