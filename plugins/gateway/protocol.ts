/**
 * Protocol version and the handshake payloads. The JSON Schemas in schemas/protocol/ are the
 * contract for clients; `connect` params are validated against connect-params.json itself.
 */
import connectParamsSchema from '../../schemas/protocol/connect-params.json' with { type: 'json' };
import type { ErrorObject } from 'ajv';
import type { Scope } from '../../sdk/core/index.ts';
import { compileSchema, type Validator } from '../../sdk/core/index.ts';

/** Version 1: frames of DESIGN §5, connect without a challenge round trip. */
export const PROTOCOL_VERSION = 1;
export const SUPPORTED_PROTOCOLS: readonly number[] = Object.freeze([PROTOCOL_VERSION]);

export interface ConnectParams {
  minProtocol: number;
  maxProtocol: number;
  client: { id: string; version: string; platform?: string };
  auth: { password?: string; token?: string };
  scopes?: Scope[];
}

export interface HelloOk {
  type: 'hello-ok';
  protocol: number;
  server: { version: string; connId: string };
  scopes: readonly Scope[];
  methods: readonly string[];
  policy: {
    maxPayload: number;
    maxBufferedBytes: number;
    heartbeatIntervalMs: number;
    requestTimeoutMs: number;
    maxInflight: number;
    rateLimit: { enabled: boolean; requestsPerMinute: number; burstSize: number };
  };
}

let validateConnect: Validator | undefined;

/** Compiled on the first handshake, not at start-up. */
export function connectParamsValidator(): Validator {
  validateConnect ??= compileSchema(connectParamsSchema);
  return validateConnect;
}

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
