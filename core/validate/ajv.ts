/**
 * The one ajv configuration of the project. The runtime compiler (compile.ts) and the
 * precompile script (scripts/build-validators.ts) both build their instance here, so a
 * precompiled validator behaves exactly like a runtime-compiled one.
 */
import { Ajv, type CodeOptions } from 'ajv';
import formats from 'ajv-formats';

export interface CreateAjvOptions {
  /** Emit ESM export syntax from `standaloneCode` (the precompile script); runtime leaves it off. */
  esm?: boolean;
  /**
   * Regex engine for `pattern`/`patternProperties` (default: JavaScript's backtracking RegExp).
   * Schemas from untrusted code pass a linear-time engine (the sandbox worker does).
   */
  regExp?: CodeOptions['regExp'];
}

export function createAjv(options: CreateAjvOptions = {}): Ajv {
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
  // ajv-formats is CommonJS; under Node ESM its default import is `module.exports`.
  formats.default(ajv);
  // Annotation only: marks fields whose value must never be printed or logged (secrets.ts).
  ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });
  return ajv;
}
