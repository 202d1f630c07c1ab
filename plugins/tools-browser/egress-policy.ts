/**
 * Where the browser may connect: one verdict per destination host and port, used by the
 * context's request routes (clear early errors) and by the egress proxy every Chromium
 * connection goes through (so redirect hops, which `context.route` never sees, are checked too).
 *
 * - `blockedHosts` always wins; a non-empty `allowedHosts` is an allowlist.
 * - After DNS resolution, private, loopback, link-local (cloud metadata 169.254.169.254 included),
 *   CGNAT/tailnet, multicast and reserved addresses are blocked, unless an allowedHosts entry
 *   names the host exactly (`127.0.0.1:8080`, `intranet.lan`): wildcards only open public hosts.
 * - The protected ports (the gateway's own, the egress proxies') on this machine's addresses are
 *   blocked whatever the lists say, so a page cannot drive the local control plane.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

export type Verdict = { ok: true; address: string } | { ok: false; reason: string };
export type Lookup = (host: string) => Promise<string[]>;

export interface EgressPolicyOptions {
  allowedHosts: readonly string[];
  blockedHosts: readonly string[];
  /** Ports blocked on this machine's own addresses (read on every check: the gateway may start later). */
  protectedPorts: () => Iterable<number>;
  lookup?: Lookup;
}

export interface EgressPolicy {
  check(host: string, port: number): Promise<Verdict>;
  /** The verdict for a URL; only http(s) and ws(s) may leave the browser. */
  checkUrl(url: string): Promise<Verdict>;
}

interface HostPattern {
  host: string;
  port?: number;
  wildcard: boolean;
}

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32]] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

export const defaultLookup: Lookup = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

export function createEgressPolicy(options: EgressPolicyOptions): EgressPolicy {
  const allowed = options.allowedHosts.map(parsePattern);
  const blocked = options.blockedHosts.map(parsePattern);
  const lookup = options.lookup ?? defaultLookup;

  const check = async (rawHost: string, port: number): Promise<Verdict> => {
    const host = normalizeHost(rawHost);
    const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    if (blocked.some((entry) => matches(entry, host, port))) return { ok: false, reason: `${target} is in tools.browser.blockedHosts` };
    const allowEntries = allowed.filter((entry) => matches(entry, host, port));
    if (allowed.length > 0 && allowEntries.length === 0) return { ok: false, reason: `${target} is not in tools.browser.allowedHosts` };
    const exactlyAllowed = allowEntries.some((entry) => !entry.wildcard);
    let addresses: string[];
    try {
      addresses = isIP(host) !== 0 ? [host] : await lookup(host);
    } catch (error) {
      return { ok: false, reason: `${target}: DNS lookup failed (${(error as { code?: string }).code ?? 'error'})` };
    }
    if (addresses.length === 0) return { ok: false, reason: `${target}: DNS lookup returned no address` };
    const protectedPorts = new Set(options.protectedPorts());
    for (const raw of addresses) {
      const address = unmapIpv4(raw);
      if (address !== host && blocked.some((entry) => matches(entry, address, port))) return { ok: false, reason: `${target} resolves to ${address}, which is in tools.browser.blockedHosts` };
      if (protectedPorts.has(port) && isOwnAddress(address)) return { ok: false, reason: `${target} is this machine's gateway/control port (always blocked)` };
      if (isPrivate(address) && !exactlyAllowed) {
        const via = address === host ? '' : ` resolves to ${address}, which`;
        return { ok: false, reason: `${target}${via} is a private, loopback, link-local or reserved address (blocked by default; allow it with an exact tools.browser.allowedHosts entry)` };
      }
    }
    return { ok: true, address: unmapIpv4(addresses[0]!) };
  };

  return {
    check,
    async checkUrl(url) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return { ok: false, reason: `${JSON.stringify(url.slice(0, 200))} is not a valid URL` };
      }
      const defaults: Record<string, number> = { 'http:': 80, 'ws:': 80, 'https:': 443, 'wss:': 443 };
      const defaultPort = defaults[parsed.protocol];
      if (defaultPort === undefined) return { ok: false, reason: `${parsed.protocol} URLs are not allowed (http, https, ws, wss only)` };
      return check(parsed.hostname, parsed.port === '' ? defaultPort : Number(parsed.port));
    },
  };
}

export function isPrivate(address: string): boolean {
  const plain = unmapIpv4(address);
  const family = isIP(plain);
  if (family === 0) return true;
  return PRIVATE.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

/** Loopback, unspecified, or an address of one of this machine's interfaces. */
function isOwnAddress(address: string): boolean {
  if (address === '0.0.0.0' || address === '::' || address === '::1' || address.startsWith('127.')) return true;
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) if (normalizeHost(entry.address) === address) return true;
  }
  return false;
}

/** `::ffff:127.0.0.1` and `::ffff:7f00:1` → `127.0.0.1`; anything else unchanged (lower-cased). */
export function unmapIpv4(address: string): string {
  const lower = address.toLowerCase();
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1]!;
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const high = parseInt(hex[1]!, 16);
    const low = parseInt(hex[2]!, 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return lower;
}

function normalizeHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return unmapIpv4(bare.toLowerCase().replace(/\.$/, ''));
}

/** `host`, `host:port`, `[v6]:port`, `*.example.com[:port]` or `*`. */
export function parsePattern(entry: string): HostPattern {
  const text = entry.trim().toLowerCase();
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (v6) return { host: normalizeHost(v6[1]!), wildcard: false, ...(v6[2] !== undefined ? { port: Number(v6[2]) } : {}) };
  if (isIP(text) === 6) return { host: normalizeHost(text), wildcard: false };
  const match = /^(.*?)(?::(\d+))?$/.exec(text)!;
  const host = match[1]!;
  return { host: host.startsWith('*') ? host : normalizeHost(host), wildcard: host.startsWith('*'), ...(match[2] !== undefined ? { port: Number(match[2]) } : {}) };
}

function matches(entry: HostPattern, host: string, port: number): boolean {
  if (entry.port !== undefined && entry.port !== port) return false;
  if (entry.host === '*') return true;
  if (entry.wildcard) return host.endsWith(entry.host.slice(1)) && host.length > entry.host.length - 1;
  return entry.host === host;
}
