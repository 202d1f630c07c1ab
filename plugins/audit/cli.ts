/**
 * `moltbot security audit [--json] [--fix]`: runs every `audit` tap, prints the findings (or
 * JSON), with --fix applies the fixes findings carry and audits again. Exit code 1 while a
 * critical finding remains, so scripts and CI can gate on it.
 */
import type { Command } from 'commander';
import type { CliContext } from '../../sdk/core/index.ts';
import type { KernelHooks } from '../../sdk/core/index.ts';
import { applyFixes, collectChecks, formatReport, problemChecks, type CollectedReport } from '../../sdk/reports/index.ts';

export { applyFixes } from '../../sdk/reports/index.ts';

/** Every `audit` tap's findings; `problems` (unset `${VAR}`s, failing plugin checks) as warnings. */
export async function runAudit(hooks: KernelHooks, problems: readonly Error[] = []): Promise<CollectedReport> {
  return collectChecks(async (report) => {
    await hooks.audit.promise(report);
    for (const check of problemChecks(problems, 'warning')) report.add(check);
  });
}

export function registerAuditCommand(program: Command, cli: CliContext, hooks: KernelHooks): void {
  const security = program.commands.find((command) => command.name() === 'security') ?? program.command('security').description('security checks of this installation');
  security
    .command('audit')
    .description('check config and files for risky settings (exit 1 on a critical finding)')
    .option('--json', 'print the findings as JSON')
    .option('--fix', 'apply the safe fixes (file permissions) and audit again')
    .action(async (options: { json?: boolean; fix?: boolean }) => {
      const problems = await cli.problems();
      let report = await runAudit(hooks, problems);
      let fixes: Awaited<ReturnType<typeof applyFixes>> | undefined;
      if (options.fix) {
        fixes = await applyFixes(report);
        report = await runAudit(hooks, problems);
      }
      if (options.json) {
        cli.print(JSON.stringify({ findings: report.findings, summary: report.summary, ...(fixes ? { fixes } : {}) }, null, 2));
      } else {
        if (fixes) {
          for (const id of fixes.fixed) cli.print(`fixed ${id}`);
          for (const failure of fixes.failed) cli.warn(`could not fix ${failure.id}: ${failure.error}`);
        }
        cli.print(formatReport(report, 'moltbot security audit'));
      }
      cli.setExitCode(report.summary.critical > 0 ? 1 : 0);
    });
}
