/**
 * `moltbot/plugin-sdk/gateway`: what any plugin needs to be reached through the gateway, or
 * to reach it.
 *
 * - RPC methods: `defineMethod(ctx, { name, scope, params, errors, handler })` declares a method
 *   with its required scope (read/write/admin), the JSON Schema of its params and its own error
 *   codes. The gateway lists it in `hello-ok` to the clients whose scope allows it, rejects bad
 *   params naming the JSON path, and answers a declared `MoltbotError` with the plugin's code.
 * - The `gateway` service by ref (`gatewayServiceRef`): address, events to clients, health
 *   reports, revocation, and RPC calls in process (`call` / `connect`) under the scopes an
 *   HTTP route's authentication granted (`HttpRouteContext.auth`).
 * - HTTP: `sendJson` for routes added through the `httpRoute` hook.
 * - CLI: `callRunningGateway(ctx, method, params)` (and the pieces under it) for commands that
 *   talk to the running gateway.
 * - Auth plugins' kit: constant-time comparison, the live secret source, rotation watch, the
 *   generated token file, the one-gateway-per-state-dir lock.
 * - `validateConnectParams`: the handshake's params checked against the protocol's schema
 *   (precompiled).
 *
 * The wire protocol itself (frames, error and close codes, scopes, JSON Schemas) is
 * `moltbot/protocol`; the names a method handler needs from it are re-exported here.
 */
export { defineMethod, hasTaps, methodRegistry, MethodRegistry } from './methods.ts';
export type { MethodInfo, MethodSpec } from './methods.ts';
export { gatewayServiceRef } from './service.ts';
export type { AuthMode, BindMode, CliOverrides, ComponentHealth, ComponentStatus, GatewayAddress, GatewayService, HealthRegistry, InProcessCallOptions, InProcessConnection, InProcessGrant, Readiness } from './service.ts';
export type { HttpRouteContext } from '../core/index.ts';
export { parseRetryAfter, sendJson } from './http.ts';
export { callGateway, callRunningGateway, cliCredential, gatewayUrl, retryHint } from './cli-client.ts';
export type { GatewayRefusal } from './cli-client.ts';
export { acquireStateLock, LOCK_FILE } from './state-lock.ts';
export { validateConnectParams } from './connect-params.ts';
export type { StateLock } from './state-lock.ts';
export { safeEqualSecret, secretFingerprint } from './auth/secret-equal.ts';
export { createSecretSource, hasConfiguredSecret, secretSourceFor } from './auth/secret-source.ts';
export type { GatewaySecrets, SecretSource, SecretSourceOptions } from './auth/secret-source.ts';
export { pollRotation, watchRotation } from './auth/rotation.ts';
export type { RotationWatch } from './auth/rotation.ts';
export { ensureTokenFile, readTokenFile, TOKEN_BYTES, tokenFileStamp, tokenFilePath } from './auth/token-file.ts';
export type { TokenFileResult } from './auth/token-file.ts';
export { CLOSE_CODES, RPC_ERRORS, RpcError } from '../protocol/index.ts';
export type { RpcErrorCode, Scope, WireError } from '../protocol/index.ts';
