/**
 * Compiles tool parameter schemas and checks arguments against them. Runs only in the sandbox
 * worker process (never the gateway): a schema comes from untrusted tool code, and ajv both
 * compiles it and runs the result synchronously, so a hostile schema (a backtracking pattern,
 * `uniqueItems` over a huge array, a huge or deeply nested schema) would otherwise stall every
 * client of the gateway. Here it can only hold this worker, which the gateway's host watchdog
 * kills after `timeout + watchdogGrace`.
 *
 * Patterns use a linear-time engine (RE2JS), so the classic exponential pattern fails fast with
 * an ordinary "must match pattern" error instead of a watchdog kill.
 */
import type { Ajv, ErrorObject } from 'ajv';
import { createAjv } from '../../sdk/core/index.ts';
import { linearRegExp } from './linear-regexp.ts';

type Check = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** Compiled schemas kept per worker (keyed by their JSON text), oldest dropped first. */
const MAX_CACHED = 64;
const cache = new Map<string, Check>();
let ajv: Ajv | undefined;

export class SchemaProblem extends Error {}

/** Compiles `schemaJson` (cached); throws SchemaProblem naming what is wrong. */
export function compileParameters(schemaJson: string): Check {
  const cached = cache.get(schemaJson);
  if (cached !== undefined) return cached;
  ajv ??= createAjv({ regExp: linearRegExp });
  let schema: object | undefined;
  let check: Check;
  try {
    schema = JSON.parse(schemaJson) as object;
    check = ajv.compile(schema);
  } catch (error) {
    // Includes RangeError from a schema nested deeper than the stack allows.
    throw new SchemaProblem(`parameters is not a usable JSON Schema: ${(error instanceof Error ? error.message : String(error)).slice(0, 300)}`);
  } finally {
    // ajv also keeps every schema (and its `$id`) in its own cache: two tools may share an `$id`.
    if (schema !== undefined) ajv.removeSchema(schema);
  }
  cache.set(schemaJson, check);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
  return check;
}

/**
 * Checks `argsJson` against the schema. Returns the arguments as JSON again (ajv fills in
 * `default`s) or the first error as `<path> <message>`.
 */
export function checkArguments(schemaJson: string, argsJson: string): { ok: true; argsJson: string } | { ok: false; message: string } {
  const check = compileParameters(schemaJson);
  const args: unknown = JSON.parse(argsJson);
  if (check(args)) return { ok: true, argsJson: JSON.stringify(args) };
  const first = check.errors?.[0];
  return { ok: false, message: `${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}` };
}
