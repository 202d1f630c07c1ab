/**
 * The headers every dashboard response carries. The policy allows only files from this origin:
 * no inline script or style, no eval, no framing, and connections only back to this origin
 * (`'self'` covers ws:/wss: to the same host and port in CSP Level 3 browsers).
 */
import type { Asset } from './assets.ts';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
});

export function assetHeaders(asset: Asset): Record<string, string> {
  return {
    ...SECURITY_HEADERS,
    'Content-Type': asset.contentType,
    'Content-Length': String(asset.body.length),
    'Cache-Control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
}
