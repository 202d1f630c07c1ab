/**
 * The handshake's checks. The frame types and JSON Schemas (moltbot/protocol, sdk/protocol) are
 * the contract for clients; `connect` params are validated against connect-params.json itself
 * (its precompiled validator, from the SDK).
 */
import type { ErrorObject } from 'ajv';
import { SUPPORTED_PROTOCOLS, type ConnectParams } from '../../sdk/protocol/index.ts';

export { PROTOCOL_VERSION, SUPPORTED_PROTOCOLS } from '../../sdk/protocol/index.ts';
export type { ConnectParams, HelloOk } from '../../sdk/protocol/index.ts';

// Precompiled (moltbot/plugin-sdk/gateway): compiled at the first handshake it cost that
// handshake ajv's loading and a compile, tens of ms.
export { validateConnectParams } from '../../sdk/gateway/index.ts';

export function negotiateProtocol(params: ConnectParams): number | undefined {
  for (let version = params.maxProtocol; version >= params.minProtocol; version--) {
    if (SUPPORTED_PROTOCOLS.includes(version)) return version;
  }
  return undefined;
}

/**
 * `/params/client/id must match pattern …`: the JSON path and ajv's reason, never the value
 * (a wrong `auth.password` must not come back in an error frame).
 */
export function describeSchemaError(errors: readonly ErrorObject[] | null | undefined, base: string): string {
  const error = errors?.[0];
  if (!error) return `${base} is invalid`;
  const path = `${base}${error.instancePath}`;
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty?: unknown }).additionalProperty ?? '');
    return `${path} must not have property "${/^[\x21-\x7e]{1,32}$/.test(extra) ? extra : '…'}"`;
  }
  if (error.keyword === 'required') {
    return `${path}/${String((error.params as { missingProperty?: unknown }).missingProperty)} is required`;
  }
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    return `${path} must be one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}`;
  }
  return `${path} ${error.message ?? 'is invalid'}`;
}
