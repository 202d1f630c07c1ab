/**
 * The one ajv configuration of the project. The runtime compiler (compile.ts) and the
 * precompile script (scripts/build-validators.ts) both build their instance here, so a
 * precompiled validator behaves exactly like a runtime-compiled one.
 */
import type { Ajv as AjvInstance, CodeOptions } from 'ajv';
import { createRequire } from 'node:module';

// ajv and ajv-formats load with the first instance, not with this module: a start where every
// schema is precompiled (schemas/generated) or compiled on first use never pays their loading.
const require = createRequire(import.meta.url);

export interface CreateAjvOptions {
  /** Emit ESM export syntax from `standaloneCode` (the precompile script); runtime leaves it off. */
  esm?: boolean;
  /**
   * Regex engine for `pattern`/`patternProperties` (default: JavaScript's backtracking RegExp).
   * Schemas from untrusted code pass a linear-time engine (the sandbox worker does).
   */
  regExp?: CodeOptions['regExp'];
}

export function createAjv(options: CreateAjvOptions = {}): AjvInstance {
  const { Ajv } = require('ajv') as typeof import('ajv');
  const formats = require('ajv-formats') as typeof import('ajv-formats').default;
  const ajv = new Ajv({
    strict: true,
    allErrors: true,
    // The formatter reads parentSchema (description, `secret`) and data (the "got" part).
    verbose: true,
    useDefaults: true,
    coerceTypes: false,
    // Keeping the source costs little and lets any instance feed `standaloneCode`.
    code: { source: true, esm: options.esm === true, ...(options.regExp === undefined ? {} : { regExp: options.regExp }) },
  });
  formats(ajv);
  // Annotation only: marks fields whose value must never be printed or logged (secrets.ts).
  ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });
  return ajv;
}
