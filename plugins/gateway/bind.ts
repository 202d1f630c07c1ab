/**
 * Bind mode → the address to listen on, and the safety rule that goes with it: a gateway
 * reachable from other machines must authenticate. `tailnet` listens on this machine's
 * Tailscale IPv4 (100.64.0.0/10) and falls back to loopback when there is none, since
 * listening everywhere instead would widen exposure behind the operator's back.
 */
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { MoltbotError } from '../../sdk/core/index.ts';
import { canonicalIp, isLoopbackIp } from './client-address.ts';
import type { AuthMode, BindMode } from './settings.ts';

export interface BindTarget {
  /** Address passed to listen(). */
  host: string;
  /** Only this machine can connect. */
  loopback: boolean;
  /** Non-loopback hosts the gateway answers on: its own browser origins. */
  hosts: string[];
  /** Set when the requested mode could not be honoured as asked. */
  note?: string;
}

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

export function resolveBind(mode: BindMode, customBindHost?: string, interfaces?: Interfaces): BindTarget {
  switch (mode) {
    case 'loopback':
      return { host: '127.0.0.1', loopback: true, hosts: [] };
    case 'lan':
      return { host: '0.0.0.0', loopback: false, hosts: externalAddresses(interfaces).filter((ip) => !ip.includes(':')) };
    case 'tailnet': {
      const tailnet = externalAddresses(interfaces).find(isTailscaleIp);
      if (tailnet === undefined) {
        return { host: '127.0.0.1', loopback: true, hosts: [], note: 'gateway.bind is "tailnet" but no Tailscale address (100.64.0.0/10) was found; listening on loopback only' };
      }
      return { host: tailnet, loopback: false, hosts: [tailnet] };
    }
    case 'custom': {
      const host = canonicalIp(customBindHost);
      const loopback = isLoopbackIp(host);
      return { host, loopback, hosts: loopback ? [] : [host] };
    }
  }
}

/**
 * This machine's non-internal addresses, canonical. Read only by the modes that need them:
 * the default loopback bind skips the interface listing and the address parsing (an IPv6
 * address compiles node's IPv6 pattern, ≈ 5 ms of a start).
 */
function externalAddresses(interfaces: Interfaces = networkInterfaces()): string[] {
  return Object.values(interfaces).flat()
    .filter((info): info is NetworkInterfaceInfo => info !== undefined && !info.internal)
    .map((info) => canonicalIp(info.address));
}

export function isTailscaleIp(ip: string): boolean {
  const parts = ip.split('.');
  if (parts.length !== 4) return false;
  const [a, b] = parts.map(Number) as [number, number];
  return a === 100 && b >= 64 && b <= 127;
}

/** AU-02: refuse to expose an unauthenticated control plane. */
export function assertBindIsSafe(bind: BindMode, target: BindTarget, authMode: AuthMode): void {
  if (authMode === 'none' && !target.loopback) {
    throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
      message: `Refusing to start: gateway.bind is "${bind}" (listening on ${target.host}) while gateway.auth.mode is "none", so anyone who can reach this machine could control it`,
      path: 'gateway.auth.mode',
      fix: 'Set gateway.auth.mode to "token" or "password" (a token is generated on first start when none is configured), or set gateway.bind to "loopback".',
    });
  }
}
