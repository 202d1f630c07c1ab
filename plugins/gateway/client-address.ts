/**
 * Who is on the other end: the canonical client IP (the limiter's key; `::ffff:1.2.3.4` and
 * `1.2.3.4` are one client) and whether the client is local. `X-Forwarded-For` counts only
 * when the socket peer is a configured trusted proxy; a request that carries forwarding
 * headers through an untrusted hop is never local, since a reverse proxy on the same host
 * would otherwise make every internet client look like 127.0.0.1.
 */
import { isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';

const FORWARDING_HEADERS = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded', 'x-real-ip'] as const;

/** One spelling per address: lower-case, IPv6 compressed, IPv4-mapped IPv6 folded to IPv4. */
export function canonicalIp(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  let ip = address.trim().toLowerCase();
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const zone = ip.indexOf('%');
  if (zone !== -1) ip = ip.slice(0, zone);
  const family = isIP(ip);
  if (family === 4) return ip;
  if (family !== 6) return ip === '' ? 'unknown' : ip;
  // The URL parser compresses IPv6 and writes an embedded IPv4 part as hex.
  const compressed = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(compressed);
  if (mapped) {
    const high = Number.parseInt(mapped[1] as string, 16);
    const low = Number.parseInt(mapped[2] as string, 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return compressed;
}

export function isLoopbackIp(ip: string): boolean {
  return ip === '::1' || (isIP(ip) === 4 && ip.startsWith('127.'));
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
}

export function resolveClientAddress(
  socketAddress: string | undefined,
  headers: IncomingHttpHeaders,
  trustedProxies: ReadonlySet<string>,
): ClientAddress {
  const peer = canonicalIp(socketAddress);
  const viaTrustedProxy = trustedProxies.has(peer);
  let ip = peer;
  if (viaTrustedProxy) {
    const hops = headerList(headers['x-forwarded-for']).map(canonicalIp);
    // Right to left: the first hop we do not trust is the client; further left is client-made.
    for (let i = hops.length - 1; i >= 0; i--) {
      ip = hops[i] as string;
      if (!trustedProxies.has(ip)) break;
    }
  }
  const forwarded = FORWARDING_HEADERS.some((name) => headers[name] !== undefined);
  return { ip, peer, viaTrustedProxy, local: isLoopbackIp(ip) && (viaTrustedProxy || !forwarded) };
}

export function headerList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value.join(',') : value).split(',').map((part) => part.trim()).filter((part) => part !== '');
}
