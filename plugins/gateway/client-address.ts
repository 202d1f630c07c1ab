/**
 * Who is on the other end: the canonical client IP (`::ffff:1.2.3.4` and `1.2.3.4` are one
 * client), whether the client is local, and its *source*: the key every per-client limit uses
 * (failed-auth lockout, pre-auth socket caps). `X-Forwarded-For` counts only when the socket
 * peer is a configured trusted proxy; a request that carries forwarding headers through an
 * untrusted hop is never local, since a reverse proxy on the same host would otherwise make
 * every internet client look like 127.0.0.1.
 *
 * Addresses and `trustedProxies` ranges are parsed by ipaddr.js (strict dotted-quad IPv4,
 * every IPv6 spelling, IPv4-mapped IPv6), never by string matching.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

const FORWARDING_HEADERS = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded', 'x-real-ip'] as const;

/** IPv6 clients are grouped by this prefix unless `ipv6SourcePrefix` says otherwise. */
export const DEFAULT_IPV6_SOURCE_PREFIX = 64;

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * The address, IPv4-mapped IPv6 folded to IPv4; undefined when it is not an IP address.
 * node:net's isIP picks the family first (strict dotted quad for IPv4, no `127.1` or hex
 * forms): it is native and cheap, where ipaddr.js's own validators throw and catch inside.
 */
export function parseIp(address: string | undefined): Address | undefined {
  if (address === undefined) return undefined;
  let ip = address.trim();
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const zone = ip.indexOf('%');
  if (zone !== -1) ip = ip.slice(0, zone);
  const family = isIP(ip);
  if (family === 4) return ipaddr.IPv4.parse(ip);
  if (family !== 6) return undefined;
  const v6 = ipaddr.IPv6.parse(ip);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

/** 127/8 or ::1 (a parsed address: IPv4-mapped loopback is already IPv4). */
function isLoopbackAddress(address: Address): boolean {
  if (address.kind() === 'ipv4') return (address as ipaddr.IPv4).octets[0] === 127;
  const { parts } = address as ipaddr.IPv6;
  for (let i = 0; i < 7; i++) if (parts[i] !== 0) return false;
  return parts[7] === 1;
}

/** One spelling per address: IPv4 dotted quad, IPv6 RFC 5952, IPv4-mapped IPv6 as IPv4. */
export function canonicalIp(address: string | undefined): string {
  const parsed = parseIp(address);
  if (parsed !== undefined) return parsed.toString();
  const raw = (address ?? '').trim().toLowerCase();
  return raw === '' ? 'unknown' : raw;
}

export function isLoopbackIp(ip: string): boolean {
  const parsed = parseIp(ip);
  return parsed !== undefined && isLoopbackAddress(parsed);
}

/**
 * The limiter's notion of "one client". Loopback (all of 127/8 and ::1) is one source, so
 * rotating 127.x.y.z buys nothing; an IPv6 client is its /`ipv6Prefix` network (one
 * subscriber usually holds a whole /64); an IPv4 client is its address. A loopback address
 * that came through an untrusted forwarding hop is one remote source of its own: it is some
 * internet client behind a local proxy, never the local owner.
 */
export function sourceKey(ip: string, local: boolean, ipv6Prefix = DEFAULT_IPV6_SOURCE_PREFIX): string {
  return local ? 'loopback' : sourceOf(parseIp(ip), ipv6Prefix);
}

function sourceOf(parsed: Address | undefined, ipv6Prefix: number): string {
  if (parsed === undefined) return 'unknown';
  if (isLoopbackAddress(parsed)) return 'loopback-forwarded';
  if (parsed.kind() === 'ipv4') return `ip4:${parsed.toString()}`;
  if (ipv6Prefix >= 128) return `ip6:${parsed.toString()}`;
  // The network part of the parsed address's 16-bit groups (no string round trip).
  const parts = (parsed as ipaddr.IPv6).parts.map((part, i) => {
    const keep = Math.min(16, Math.max(0, ipv6Prefix - i * 16));
    return keep === 0 ? 0 : part & (0xffff << (16 - keep)) & 0xffff;
  });
  return `ip6:${new ipaddr.IPv6(parts).toString()}/${ipv6Prefix}`;
}

/** `trustedProxies` compiled: addresses and CIDR ranges, matched against canonical IPs. */
export interface ProxyTrust {
  readonly size: number;
  has(ip: string): boolean;
}

/**
 * Compiles `trustedProxies` entries (an address or a CIDR range, IPv4 or IPv6). Throws a
 * RangeError naming the bad entry's index; the caller turns it into a config error.
 */
export function compileTrustedProxies(entries: readonly string[]): ProxyTrust {
  const ranges: [Address, number][] = entries.map((entry, index) => {
    const range = parseRange(entry);
    if (range === undefined) {
      throw new RangeError(`trustedProxies[${index}] is not an IP address or CIDR range (got ${JSON.stringify(entry)})`);
    }
    return range;
  });
  return {
    size: ranges.length,
    has(ip) {
      if (ranges.length === 0) return false;
      const parsed = parseIp(ip);
      if (parsed === undefined) return false;
      return ranges.some(([network, bits]) => network.kind() === parsed.kind() && parsed.match(network as never, bits));
    },
  };
}

function parseRange(entry: string): [Address, number] | undefined {
  const text = entry.trim();
  const slash = text.indexOf('/');
  const address = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (address === undefined) return undefined;
  const max = address.kind() === 'ipv4' ? 32 : 128;
  if (slash === -1) return [address, max];
  const bitsText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return undefined;
  let bits = Number(bitsText);
  // `::ffff:10.0.0.0/104` names IPv4 space: the address was folded to IPv4, fold the length too.
  if (address.kind() === 'ipv4' && text.includes(':')) bits -= 96;
  if (bits < 0 || bits > max) return undefined;
  return [address, bits];
}

export interface ClientAddress {
  /** Canonical client IP (from a trusted proxy's X-Forwarded-For, else the socket). */
  ip: string;
  /** Canonical socket peer. */
  peer: string;
  /** The peer is a trusted proxy (its forwarding headers were honoured). */
  viaTrustedProxy: boolean;
  /** Loopback client with no forwarding through an untrusted hop. */
  local: boolean;
  /** The limiter key of this client (sourceKey()). */
  source: string;
}

export function resolveClientAddress(
  socketAddress: string | undefined,
  headers: IncomingHttpHeaders,
  trustedProxies: ProxyTrust,
  ipv6Prefix = DEFAULT_IPV6_SOURCE_PREFIX,
): ClientAddress {
  const parsedPeer = parseIp(socketAddress);
  const peer = parsedPeer !== undefined ? parsedPeer.toString() : canonicalIp(socketAddress);
  const viaTrustedProxy = trustedProxies.has(peer);
  const forwarded = FORWARDING_HEADERS.some((name) => headers[name] !== undefined);
  // The common case, a direct client: one parse for everything.
  if (!viaTrustedProxy) {
    const local = parsedPeer !== undefined && isLoopbackAddress(parsedPeer) && !forwarded;
    return { ip: peer, peer, viaTrustedProxy, local, source: local ? 'loopback' : sourceOf(parsedPeer, ipv6Prefix) };
  }
  let ip = peer;
  const hops = headerList(headers['x-forwarded-for']).map(canonicalIp);
  // Right to left: the first hop we do not trust is the client; further left is client-made.
  for (let i = hops.length - 1; i >= 0; i--) {
    ip = hops[i] as string;
    if (!trustedProxies.has(ip)) break;
  }
  // A trusted proxy that forwards (Host/Proto) without naming the client did not say who it is:
  // never local then (with tailscale mode loopback is trusted, and a local reverse proxy must
  // not make its internet clients look like the owner).
  const local = isLoopbackIp(ip) && !(forwarded && hops.length === 0);
  return { ip, peer, viaTrustedProxy, local, source: sourceKey(ip, local, ipv6Prefix) };
}

export function headerList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value.join(',') : value).split(',').map((part) => part.trim()).filter((part) => part !== '');
}
