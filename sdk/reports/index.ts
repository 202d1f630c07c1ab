/**
 * `moltbot/plugin-sdk/reports`: the doctor and security-audit report kit. A plugin adds findings
 * by tapping `diagnose` or `audit` with `report.add(check)` (`Check`, `CheckReport` from
 * `moltbot/plugin-sdk/core`); this area collects and orders them (`collectChecks`), prints them
 * the way `moltbot doctor` and `moltbot security audit` do (`formatReport`), applies the fixes
 * findings carry (`applyFixes`), turns start-blocking config problems into findings
 * (`problemChecks`), and checks state-dir and config-file permissions (`fsChecks`).
 */
export type { Check, CheckReport } from '../core/index.ts';
export { applyFixes, collectChecks, formatReport } from './report.ts';
export type { CollectedReport, Finding } from './report.ts';
export { problemChecks } from './problems.ts';
export { fsChecks, looseEntries } from './fs-checks.ts';
