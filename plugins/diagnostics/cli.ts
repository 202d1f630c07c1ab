/**
 * `moltbot doctor [--json] [--fix] [--heap-snapshot]`: system facts and every `diagnose` check;
 * --fix applies the fixes checks carry (state dir, permissions) and checks again. Exit code 1
 * while a critical check remains.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import type { Command } from 'commander';
import type { Check, CliContext } from '../../sdk/core/index.ts';
import type { KernelHooks } from '../../sdk/core/index.ts';
import type { ConfigSecrets } from '../../sdk/core/index.ts';
import { applyFixes } from '../../sdk/reports/index.ts';
import { hasTaps } from '../../sdk/gateway/index.ts';
import { collectChecks, formatReport, type CollectedReport } from '../../sdk/reports/index.ts';
import { writeBundle } from './bundle.ts';
import { problemChecks } from './checks.ts';
import { systemInfo, type SystemInfo } from './system-info.ts';

/**
 * Every `diagnose` check; `problems` (the CLI's kernel.problems(): what would stop start) replace
 * the "config is valid" finding with one critical finding each.
 */
export async function runDiagnose(hooks: KernelHooks, problems: readonly Error[] = []): Promise<CollectedReport> {
  return collectChecks(async (report) => {
    const add = problems.length === 0 ? report : { add: (check: Check) => void (check.id === 'config.valid' ? undefined : report.add(check)) };
    await hooks.diagnose.promise(add);
    for (const check of problemChecks(problems)) report.add(check);
  });
}

function describeSystem(info: SystemInfo): string {
  const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  return [
    `system   ${info.system.platform} ${info.system.arch} ${info.system.release}, ${info.system.cpus} x ${info.system.cpuModel}, load ${info.system.loadAverage.map((n) => n.toFixed(2)).join(' ')}, up ${Math.round(info.system.uptimeSeconds / 3600)} h`,
    `memory   ${gib(info.system.memory.freeBytes)} free of ${gib(info.system.memory.totalBytes)}`,
    `versions node ${info.versions.node}, moltbot ${info.versions.moltbot}`,
    `process  pid ${info.process.pid}, rss ${Math.round(info.process.rssBytes / 1024 ** 2)} MiB, heap ${Math.round(info.process.heapUsedBytes / 1024 ** 2)} of ${Math.round(info.process.heapLimitBytes / 1024 ** 2)} MiB`,
    `storage  ${gib(info.storage.freeBytes)} free of ${gib(info.storage.totalBytes)} (${info.storage.path})`,
    `network  ${Object.entries(info.network).map(([name, addresses]) => `${name} ${addresses.map((a) => a.address).join(',')}`).join('; ')}`,
  ].join('\n');
}

export function registerDoctorCommand(program: Command, cli: CliContext, hooks: KernelHooks, stateDir: string, config: Readonly<Record<string, unknown>>, cwd: string, secrets: ConfigSecrets): void {
  program
    .command('doctor')
    .description('check this installation: system, config, files, plugins (exit 1 on a critical check)')
    .option('--json', 'print the report as JSON')
    .option('--fix', 'apply the safe fixes (create the state dir, narrow permissions) and check again')
    .option('--heap-snapshot', 'also write a V8 heap snapshot of this process (0600) under the state dir')
    .option('--bundle <file>', 'also write a support archive (tar.gz, secrets masked) of the report, the audit and the config')
    .action(async (options: { json?: boolean; fix?: boolean; heapSnapshot?: boolean; bundle?: string }) => {
      const problems = await cli.problems();
      let report = await runDiagnose(hooks, problems);
      let fixes: Awaited<ReturnType<typeof applyFixes>> | undefined;
      if (options.fix) {
        fixes = await applyFixes(report);
        report = await runDiagnose(hooks, problems);
      }
      let heapSnapshot: string | undefined;
      if (options.heapSnapshot) {
        const dir = join(stateDir, 'diagnostics');
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        heapSnapshot = writeHeapSnapshot(join(dir, `heap-${process.pid}-${Date.now()}.heapsnapshot`));
        // The heap holds every secret the process knows: owner only.
        chmodSync(heapSnapshot, 0o600);
      }
      const info = systemInfo(stateDir);
      let bundle: string | undefined;
      if (options.bundle !== undefined) {
        const audit = hasTaps(hooks.audit) ? await collectChecks((report) => hooks.audit.promise(report)) : undefined;
        const doctor = { ...info, checks: report.findings, summary: report.summary };
        bundle = await writeBundle(options.bundle, cwd, { doctor, config, secrets, ...(audit ? { audit: { findings: audit.findings, summary: audit.summary } } : {}) });
      }
      if (options.json) {
        cli.print(JSON.stringify({ ...info, checks: report.findings, summary: report.summary, ...(fixes ? { fixes } : {}), ...(heapSnapshot ? { heapSnapshot } : {}), ...(bundle ? { bundle } : {}) }, null, 2));
      } else {
        if (fixes) {
          for (const id of fixes.fixed) cli.print(`fixed ${id}`);
          for (const failure of fixes.failed) cli.warn(`could not fix ${failure.id}: ${failure.error}`);
        }
        cli.print(describeSystem(info));
        cli.print('');
        for (const finding of report.findings.filter((f) => f.severity === 'ok')) cli.print(`ok       ${finding.id}  ${finding.description}`);
        cli.print(formatReport(report, ''));
        if (heapSnapshot) cli.print(`heap snapshot: ${heapSnapshot}`);
        if (bundle) cli.print(`support bundle: ${bundle}`);
      }
      cli.setExitCode(report.summary.critical > 0 ? 1 : 0);
    });
}
