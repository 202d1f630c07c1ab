/**
 * Runtime compilation, for schemas that were not precompiled (third-party plugins, protocol
 * frames). Compiling costs milliseconds per schema, so each schema object compiles once per
 * process.
 */
import type { Ajv, ErrorObject } from 'ajv';
import { MoltbotError } from '../errors.ts';
import { createAjv } from './ajv.ts';

export type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

const compiled = new WeakMap<object, Validator>();
let shared: Ajv | undefined;

export function compileSchema(schema: object): Validator {
  const cached = compiled.get(schema);
  if (cached) return cached;
  shared ??= createAjv();
  let validate: Validator;
  try {
    validate = shared.compile(schema);
  } catch (cause) {
    throw new MoltbotError('MOLT_ERR_SCHEMA_INVALID', {
      message: `Invalid JSON Schema: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    });
  } finally {
    // ajv keeps every compiled schema in its own strong cache (and by `$id`): dropping it lets a
    // schema that is no longer used be collected, and lets another schema reuse the same `$id`.
    shared.removeSchema(schema);
  }
  compiled.set(schema, validate);
  return validate;
}

/**
 * A validator that compiles `schema` when it is first called, not when it is made: a tool or a
 * capability set up at start and used later (or never) keeps compiling off the start-up path.
 * For fixed schemas known to be valid; a schema from a user or a plugin author is compiled with
 * `compileSchema` where it is declared, so a mistake in it surfaces there.
 */
export function compileOnFirstUse(schema: object): Validator {
  let compiled: Validator | undefined;
  const validate: Validator = (data) => {
    compiled ??= compileSchema(schema);
    const valid = compiled(data);
    validate.errors = compiled.errors;
    return valid;
  };
  return validate;
}
