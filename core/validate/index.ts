/** The validation layer: one ajv configuration, compiled and precompiled validators, user-facing errors, secrets. */
import type { Validator } from './compile.ts';
import { describeIssues, formatIssues, type ValidationIssue } from './format.ts';

export { createAjv, type CreateAjvOptions } from './ajv.ts';
export { compileOnFirstUse, compileSchema, type Validator } from './compile.ts';
export { describeIssues, formatIssues, type FormatOptions, type ValidationIssue } from './format.ts';
export { configSecrets, type ConfigSecrets, type ConfigPath, type PluginSchemaAt } from './config-secrets.ts';
export { collectSecretValues, containsSecretKey, looksSecretKey, maskSecrets, schemaHasSecrets, secretPaths } from './secrets.ts';
export { checkPluginOptions, checkPluginSections, type CheckedSection, type OptionsSchemaOwner, type SectionsOwner } from './plugin-options.ts';

export type ValidationResult = { ok: true } | { ok: false; issues: ValidationIssue[]; message: string };

/**
 * Runs `validator` (which may insert schema defaults into `data`) and, on failure, returns the
 * issues and the full message: `heading` followed by one ` - path message -> description` line each.
 */
export function validateWith(validator: Validator, data: unknown, heading: string, basePath?: string): ValidationResult {
  if (validator(data)) return { ok: true };
  let issues = describeIssues(validator.errors ?? [], basePath);
  // A validator that fails without errors (a hand-written `validate`) still gets a line.
  if (issues.length === 0) issues = [{ path: basePath || '(root)', message: 'is invalid' }];
  return { ok: false, issues, message: formatIssues(heading, issues) };
}
