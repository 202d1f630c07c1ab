/**
 * The gateway's effective settings: root config `gateway.*` (already validated by the kernel,
 * env overrides applied by the loader), command-line overrides, and this plugin's options,
 * with DESIGN §1 defaults for whatever the config leaves out.
 */
import { isIP } from 'node:net';
import { MoltbotError } from '../../sdk/core/index.ts';
import { compileTrustedProxies, type ProxyTrust } from './client-address.ts';

export const DEFAULT_PORT = 18789;

import type { AuthMode, BindMode, CliOverrides } from '../../sdk/gateway/index.ts';

export type { AuthMode, BindMode, CliOverrides };

export interface GatewayOptions {
  maxPayload: number;
  maxPreAuthPayload: number;
  maxBufferedBytes: number;
  maxJsonDepth: number;
  maxInflight: number;
  maxInvalidFrames: number;
  maxPendingHandshakes: number;
  maxPendingHandshakesPerIp: number;
  heartbeatIntervalMs: number;
  headersTimeoutMs: number;
  httpRequestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxHeadersCount: number;
  closeGraceMs: number;
  idempotencyTtlMs: number;
  idempotencyMaxEntries: number;
  trustedProxies: string[];
  ipv6SourcePrefix: number;
  /** Quiet time before the young generation is given back (idle-memory.ts); 0: never. */
  idleMemoryTrimMs: number;
}

export const DEFAULT_OPTIONS: Readonly<GatewayOptions> = Object.freeze({
  maxPayload: 25 * 1024 * 1024,
  maxPreAuthPayload: 64 * 1024,
  maxBufferedBytes: 16 * 1024 * 1024,
  maxJsonDepth: 64,
  maxInflight: 128,
  maxInvalidFrames: 20,
  maxPendingHandshakes: 48,
  maxPendingHandshakesPerIp: 24,
  heartbeatIntervalMs: 30_000,
  headersTimeoutMs: 10_000,
  httpRequestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxHeadersCount: 100,
  closeGraceMs: 2_000,
  idempotencyTtlMs: 300_000,
  idempotencyMaxEntries: 1_000,
  trustedProxies: [],
  ipv6SourcePrefix: 64,
  idleMemoryTrimMs: 30_000,
});

export interface GatewaySettings extends Omit<GatewayOptions, 'trustedProxies'> {
  port: number;
  bind: BindMode;
  customBindHost?: string;
  authMode: AuthMode;
  allowedOrigins: readonly string[];
  ssl: { enabled: boolean; certPath?: string; keyPath?: string };
  maxConnections: number;
  /** Handshake timeout: from the upgrade to a successful connect. */
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  trustedProxies: ProxyTrust;
  /** `gateway.tailscale.mode`: serve/funnel put tailscaled's proxy on loopback in front of the gateway. */
  tailscale: 'off' | 'serve' | 'funnel';
}

/**
 * Where tailscaled's serve/funnel proxy connects from. It is trusted as a proxy whenever
 * tailscale mode is on, whatever `trustedProxies` says. Safe because tailscaled *replaces*
 * X-Forwarded-For with the address of the client it accepted (tailscale's serve.go), so a
 * remote client cannot forge it; the only other peers on loopback are local processes, which
 * are the owner's already (they can read the state dir). A local process can therefore write
 * any X-Forwarded-For and be counted as that remote source instead of "loopback": that moves
 * it out of the loopback lockout key, but it gains nothing it did not already have.
 */
export const TAILSCALE_PROXY_ADDRESSES: readonly string[] = ['127.0.0.1', '::1'];

interface RootGateway {
  port?: number;
  bind?: BindMode;
  customBindHost?: string;
  auth?: { mode?: AuthMode };
  controlUi?: { allowedOrigins?: string[] };
  ssl?: { enabled?: boolean; certPath?: string; keyPath?: string };
  maxConnections?: number;
  connectionTimeout?: number;
  requestTimeout?: number;
  tailscale?: { mode?: 'off' | 'serve' | 'funnel' };
}

export function resolveSettings(
  config: Readonly<Record<string, any>>,
  options: Readonly<GatewayOptions>,
  overrides: CliOverrides,
): GatewaySettings {
  const gateway = (config.gateway ?? {}) as RootGateway;
  const bind = overrides.bind ?? gateway.bind ?? 'loopback';
  if (bind === 'custom' && (gateway.customBindHost === undefined || isIP(gateway.customBindHost) === 0)) {
    throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
      message: 'gateway.bind is "custom" but gateway.customBindHost is not an IP address',
      path: 'gateway.customBindHost',
      fix: 'Set gateway.customBindHost to the IPv4 or IPv6 address to listen on, e.g. "192.168.1.20".',
    });
  }
  const ssl = gateway.ssl ?? {};
  const tailscale = gateway.tailscale?.mode ?? 'off';
  const proxies = tailscale === 'off' ? options.trustedProxies : [...options.trustedProxies, ...TAILSCALE_PROXY_ADDRESSES];
  return {
    ...options,
    port: overrides.port ?? gateway.port ?? DEFAULT_PORT,
    bind,
    ...(gateway.customBindHost !== undefined ? { customBindHost: gateway.customBindHost } : {}),
    authMode: gateway.auth?.mode ?? 'password',
    allowedOrigins: gateway.controlUi?.allowedOrigins ?? [],
    ssl: {
      enabled: ssl.enabled ?? false,
      ...(ssl.certPath ? { certPath: ssl.certPath } : {}),
      ...(ssl.keyPath ? { keyPath: ssl.keyPath } : {}),
    },
    maxConnections: gateway.maxConnections ?? 100,
    connectionTimeoutMs: gateway.connectionTimeout ?? 10_000,
    requestTimeoutMs: gateway.requestTimeout ?? 30_000,
    trustedProxies: trustedProxiesOf(proxies),
    tailscale,
  };
}

/** Parsed at setup and again at start: a bad entry is a config error naming its index. */
export function trustedProxiesOf(entries: readonly string[]): ProxyTrust {
  try {
    return compileTrustedProxies(entries);
  } catch (error) {
    const message = (error as Error).message;
    throw new MoltbotError('MOLT_ERR_PLUGIN_OPTIONS_INVALID', {
      message: `gateway option ${message}`,
      plugin: 'gateway',
      path: `gateway options → ${message.slice(0, message.indexOf(' '))}`,
      fix: 'Write each trustedProxies entry as an IP address ("10.0.0.2", "::1") or a CIDR range ("10.0.0.0/8", "fd00::/8").',
    });
  }
}

/** The idle collection is checked once a second: a shorter quiet time would never be seen (idle-memory.ts). */
export function checkIdleMemoryTrim(ms: number): void {
  if (ms === 0 || ms >= 1_000) return;
  throw new MoltbotError('MOLT_ERR_PLUGIN_OPTIONS_INVALID', {
    message: `gateway option idleMemoryTrimMs is ${ms}: the event loop is checked once a second, so it is 0 (off) or at least 1000`,
    plugin: 'gateway',
    path: 'gateway options → idleMemoryTrimMs',
    fix: 'Set idleMemoryTrimMs to 0 to turn the idle collection off, or to 1000 or more (ms of quiet before it).',
  });
}
