/**
 * Browser safety. An `Origin` header means a browser, and a browser runs whatever page the
 * user opened: it may connect only from an allow-listed origin or the gateway's own origin
 * (loopback origins only for a local client). The Host header is never trusted (DNS
 * rebinding), `X-Forwarded-Host` is refused from anyone but a trusted proxy, and behind a
 * trusted proxy the origin's scheme must match `X-Forwarded-Proto`.
 *
 * Behind `tailscale serve`/`funnel` the browser's origin is the machine's ts.net name, which
 * only tailscaled knows: from a trusted proxy, an https origin equal to the forwarded host is
 * accepted when that host is under a suffix the policy lists (`.ts.net` in tailscale mode).
 * tailscaled answers only on that name with its TLS certificate, so a DNS-rebound page cannot
 * present it; any other forwarded host still needs `allowedOrigins`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ClientAddress } from './client-address.ts';
import { headerList } from './client-address.ts';

export type OriginVerdict = { ok: true; origin?: string } | { ok: false; reason: string };

export interface OriginPolicy {
  /** Normalised `gateway.controlUi.allowedOrigins` (without "*"). */
  readonly allowed: ReadonlySet<string>;
  /** `"*"` was listed: any well-formed origin is accepted. */
  readonly allowAny: boolean;
  /** The gateway's own origins for any client (`scheme://host:port`). */
  readonly own: ReadonlySet<string>;
  /** Its loopback origins, accepted only from a local client. */
  readonly ownLoopback: ReadonlySet<string>;
  /** Host suffixes (".ts.net") whose https origin is accepted when a trusted proxy forwards that host. */
  readonly forwardedHostSuffixes: readonly string[];
}

/** The forwarded hosts tailscaled's serve/funnel proxy can send. */
export const TAILSCALE_HOST_SUFFIXES: readonly string[] = ['.ts.net'];

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** `scheme://host[:port]` lower-cased with the default port dropped, or undefined when not a web origin. */
export function normalizeOrigin(raw: string): string | undefined {
  const value = raw.trim();
  if (value === '' || value.toLowerCase() === 'null') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return undefined;
  if (url.pathname !== '/') return undefined;
  return `${url.protocol}//${url.host}`;
}

export function createOriginPolicy(options: {
  allowedOrigins: readonly string[];
  scheme: 'http' | 'https';
  port: number;
  /** Non-loopback hosts the gateway answers on (bind address, interface addresses). */
  hosts: readonly string[];
  forwardedHostSuffixes?: readonly string[];
}): OriginPolicy {
  const allowed = new Set<string>();
  let allowAny = false;
  for (const entry of options.allowedOrigins) {
    if (entry.trim() === '*') {
      allowAny = true;
      continue;
    }
    const normalized = normalizeOrigin(entry);
    if (normalized !== undefined) allowed.add(normalized);
  }
  const at = (host: string) => normalizeOrigin(`${options.scheme}://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${options.port}`);
  const own = new Set(options.hosts.map(at).filter((origin): origin is string => origin !== undefined));
  const ownLoopback = new Set(LOOPBACK_HOSTS.map(at).filter((origin): origin is string => origin !== undefined));
  return { allowed, allowAny, own, ownLoopback, forwardedHostSuffixes: options.forwardedHostSuffixes ?? [] };
}

export function checkOrigin(headers: IncomingHttpHeaders, client: ClientAddress, policy: OriginPolicy): OriginVerdict {
  if (headers['x-forwarded-host'] !== undefined && !client.viaTrustedProxy) {
    return { ok: false, reason: 'forwarded host from an untrusted peer' };
  }
  const raw = headers.origin ?? headers['sec-websocket-origin'];
  if (raw === undefined) return { ok: true };
  const origin = typeof raw === 'string' ? normalizeOrigin(raw) : undefined;
  if (origin === undefined) return { ok: false, reason: 'origin missing or invalid' };
  if (client.viaTrustedProxy) {
    const proto = headerList(headers['x-forwarded-proto'])[0]?.toLowerCase();
    if (proto !== undefined && !origin.startsWith(`${proto}://`)) return { ok: false, reason: 'origin scheme does not match the forwarded protocol' };
    if (proto === 'https' && isForwardedOwnOrigin(origin, headers['x-forwarded-host'], policy)) return { ok: true, origin };
  }
  if (policy.allowAny || policy.allowed.has(origin) || policy.own.has(origin)) return { ok: true, origin };
  if (client.local && policy.ownLoopback.has(origin)) return { ok: true, origin };
  return { ok: false, reason: 'origin not allowed' };
}

/** `https://<forwarded host>` where that host sits under one of the policy's suffixes. */
function isForwardedOwnOrigin(origin: string, forwardedHost: string | string[] | undefined, policy: OriginPolicy): boolean {
  if (policy.forwardedHostSuffixes.length === 0) return false;
  const host = headerList(forwardedHost)[0]?.toLowerCase();
  if (host === undefined) return false;
  const forwarded = normalizeOrigin(`https://${host}`);
  if (forwarded !== origin) return false;
  const hostname = new URL(forwarded).hostname;
  return policy.forwardedHostSuffixes.some((suffix) => hostname.endsWith(suffix) && hostname.length > suffix.length);
}
