/** Collects the checks every plugin adds through a `CheckReport` hook (`audit` or `diagnose`). */
import type { Check, CheckReport } from '../core/index.ts';

export type Finding = Omit<Check, 'fix'> & { fixable: boolean };

export interface CollectedReport {
  checks: Check[];
  findings: Finding[];
  summary: { critical: number; warning: number; info: number; ok: number };
}

const ORDER: Record<Check['severity'], number> = { critical: 0, warning: 1, info: 2, ok: 3 };

export async function collectChecks(call: (report: CheckReport) => Promise<void>): Promise<CollectedReport> {
  const checks: Check[] = [];
  await call({ add: (check) => void checks.push(check) });
  checks.sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || a.id.localeCompare(b.id));
  const summary = { critical: 0, warning: 0, info: 0, ok: 0 };
  for (const check of checks) summary[check.severity]++;
  const findings = checks.map(({ fix, ...rest }) => ({ ...rest, fixable: fix !== undefined }));
  return { checks, findings, summary };
}

export function formatReport(report: CollectedReport, heading: string): string {
  const lines = heading ? [heading] : [];
  for (const finding of report.findings) {
    if (finding.severity === 'ok') continue;
    lines.push('', `${finding.severity.toUpperCase().padEnd(8)} ${finding.id}  ${finding.title}`, `         ${finding.description}`);
    if (finding.recommendation) lines.push(`         fix: ${finding.recommendation}${finding.fixable ? ' (--fix does this)' : ''}`);
  }
  const { critical, warning, info, ok } = report.summary;
  // "0 ok" would read as "nothing passed" where the checks only report what is wrong (the audit).
  lines.push('', `${critical} critical, ${warning} warning, ${info} info${ok > 0 ? `, ${ok} ok` : ''}`);
  return lines.join('\n');
}

/** Applies every fix; returns the ids fixed and the failures (by id, with the reason). */
export async function applyFixes(report: CollectedReport): Promise<{ fixed: string[]; failed: { id: string; error: string }[] }> {
  const fixed: string[] = [];
  const failed: { id: string; error: string }[] = [];
  for (const check of report.checks) {
    if (check.fix === undefined || check.severity === 'ok') continue;
    try {
      await check.fix();
      fixed.push(check.id);
    } catch (error) {
      failed.push({ id: check.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { fixed, failed };
}
