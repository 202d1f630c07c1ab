/** `tools.browser` of the root config with its defaults, the Chromium launch flags, and playwright-core loaded on first use. */
import type { BrowserType } from 'playwright-core';

export interface BrowserSettings {
  maxInstances: number;
  /** MB of renderer memory per instance. */
  memoryLimit: number;
  /** ms per action. */
  timeout: number;
  executablePath: string;
  allowedHosts: string[];
  blockedHosts: string[];
  idleTtlMs: number;
  maxSnapshotChars: number;
}

export function resolveSettings(config: Record<string, unknown>): BrowserSettings {
  const raw = ((config.tools as { browser?: Partial<BrowserSettings> } | undefined)?.browser) ?? {};
  return {
    maxInstances: raw.maxInstances ?? 2,
    memoryLimit: raw.memoryLimit ?? 512,
    timeout: raw.timeout ?? 30_000,
    executablePath: raw.executablePath ?? '/usr/bin/chromium',
    allowedHosts: raw.allowedHosts ?? [],
    blockedHosts: raw.blockedHosts ?? [],
    idleTtlMs: raw.idleTtlMs ?? 300_000,
    maxSnapshotChars: raw.maxSnapshotChars ?? 20_000,
  };
}

/**
 * Headless, no first-run or background traffic (without these Chromium floods a closed
 * network), no QUIC (UDP would not go through the egress proxy), WebRTC kept off non-proxied
 * UDP. `--no-sandbox`: Chromium's own sandbox needs user namespaces, unavailable in most
 * containers; the egress proxy and per-session processes are the isolation here.
 */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-breakpad', '--dns-prefetch-disable',
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
]);

let chromium: Promise<BrowserType> | undefined;

/** playwright-core costs ≈ 1.1 s to import on a loaded 2-core machine: only when a browser starts. */
export function loadChromium(): Promise<BrowserType> {
  chromium ??= import('playwright-core').then((module) => module.chromium, (error: unknown) => {
    chromium = undefined;
    throw error;
  });
  return chromium;
}
