/**
 * Client frames: JSON text `{type:"req", id, method, params?, idempotencyKey?, traceparent?}`.
 * Parsing never throws; every problem becomes an INVALID_REQUEST whose message names the JSON
 * path and never echoes the offending value. sdk/protocol (schemas/protocol/request-frame.json) is the same
 * contract as JSON Schema (a test checks they agree); the envelope is checked by hand here
 * because it runs for every frame.
 */
import { METHOD_PATTERN, wireError, type RequestFrame, type RequestId, type WireError } from '../../sdk/protocol/index.ts';
import { inspectJson } from './json-inspect.ts';

export type { RequestFrame, RequestId };

export type ParsedFrame =
  | { ok: true; frame: RequestFrame }
  | { ok: false; id: RequestId | null; error: WireError };

/** Printable ASCII without spaces: ids and keys are echoed into frames and logs. */
const TOKEN_PATTERN = /^[\x21-\x7e]{1,128}$/;
const TRACEPARENT_PATTERN = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const ENVELOPE_KEYS = new Set(['type', 'id', 'method', 'params', 'idempotencyKey', 'traceparent']);

export function parseFrame(text: string, maxDepth: number): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid(null, 'malformed JSON');
  }
  const problem = inspectJson(value, maxDepth);
  if (problem === 'too-deep') return invalid(null, `JSON nested deeper than ${maxDepth} levels`);
  if (problem === 'forbidden-key') return invalid(null, 'keys "__proto__", "constructor" and "prototype" are not allowed');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid(null, '/ must be an object');
  const frame = value as Record<string, unknown>;
  const id = isRequestId(frame.id) ? frame.id : null;
  for (const key in frame) {
    if (!ENVELOPE_KEYS.has(key)) return invalid(id, `/ must not have property "${key.length <= 32 && TOKEN_PATTERN.test(key) ? key : '…'}"`);
  }
  if (frame.type !== 'req') return invalid(id, '/type must be "req"');
  if (id === null) return invalid(null, '/id must be a string of 1 to 128 printable ASCII characters or a non-negative integer');
  if (typeof frame.method !== 'string' || !METHOD_PATTERN.test(frame.method)) {
    return invalid(id, '/method must be a method name (letters, digits, ".", "_", "-"; at most 64 characters)');
  }
  if (frame.idempotencyKey !== undefined && (typeof frame.idempotencyKey !== 'string' || !TOKEN_PATTERN.test(frame.idempotencyKey))) {
    return invalid(id, '/idempotencyKey must be a string of 1 to 128 printable ASCII characters');
  }
  if (frame.traceparent !== undefined && (typeof frame.traceparent !== 'string' || !TRACEPARENT_PATTERN.test(frame.traceparent))) {
    return invalid(id, '/traceparent must be a W3C traceparent');
  }
  return { ok: true, frame: frame as unknown as RequestFrame };
}

function isRequestId(value: unknown): value is RequestId {
  if (typeof value === 'string') return TOKEN_PATTERN.test(value);
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function invalid(id: RequestId | null, message: string): ParsedFrame {
  return { ok: false, id, error: wireError('INVALID_REQUEST', message) };
}
