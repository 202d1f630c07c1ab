/**
 * `moltbot backup create|list|verify|restore|prune`. Every subcommand takes `--json` for
 * scripts; human output is one line per fact. `verify` exits 1 on a damaged archive.
 */
import type { Command } from 'commander';
import type { CliContext } from '../../sdk/core/index.ts';
import type { SnapshotProgress } from './snapshot.ts';
import type { BackupService } from './service.ts';

export interface BackupCliOptions {
  /** Whether to draw progress (default: stderr is a TTY). */
  isTTY?: boolean;
  writeProgress?(text: string): void;
}

export function registerBackupCommands(program: Command, cli: CliContext, backup: BackupService, options: BackupCliOptions = {}): void {
  const isTTY = options.isTTY ?? process.stderr.isTTY === true;
  const writeProgress = options.writeProgress ?? ((text: string) => void process.stderr.write(text));
  const json = (value: unknown) => cli.print(JSON.stringify(value, null, 2));
  const command = program.command('backup').description('create, list, verify, restore and prune backups of config, workspace and sessions');

  command.command('create')
    .description('archive the config, workspace, sessions and plugin sources into backup.dir')
    .option('-o, --output <file>', 'archive path (default: backup.dir/moltbot-backup-<UTC time>.tar.gz)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { output?: string; json?: boolean }) => {
      const onProgress = isTTY && !opts.json
        ? (p: SnapshotProgress) => writeProgress(`\r${progressBar(p)}`)
        : undefined;
      const result = await backup.create({ ...(opts.output ? { output: opts.output } : {}), ...(onProgress ? { onProgress } : {}) });
      if (onProgress) writeProgress('\n');
      if (opts.json) return json(result);
      cli.print(`created ${result.path} (${result.files} files, ${formatBytes(result.bytes)} → ${formatBytes(result.size)})`);
      for (const skipped of result.skipped) cli.warn(`skipped ${skipped.path}: ${skipped.reason}`);
    });

  command.command('list')
    .description('list archives in backup.dir, newest first')
    .option('--json', 'print the list as JSON')
    .action(async (opts: { json?: boolean }) => {
      const archives = await backup.list();
      if (opts.json) return json(archives);
      if (archives.length === 0) return cli.print(`no backups in ${backup.dir}`);
      for (const a of archives) cli.print(`${a.name}  ${a.created.toISOString()}  ${formatBytes(a.size)}`);
    });

  command.command('verify <archive>')
    .description('check an archive against its manifest (a bare name is looked up in backup.dir)')
    .option('--json', 'print the report as JSON')
    .action(async (archive: string, opts: { json?: boolean }) => {
      const report = await backup.verify(archive);
      if (!report.ok) cli.setExitCode(1);
      if (opts.json) return json({ ...report, manifest: undefined });
      for (const warning of report.warnings) cli.warn(`warning: ${warning}`);
      if (report.ok) cli.print(`ok: ${archive} (${report.files} files match the manifest)`);
      else for (const problem of report.problems) cli.warn(`damaged: ${problem}`);
    });

  command.command('restore <archive>')
    .description('restore into a new or empty folder (--to), or replace live state after a safety backup (--in-place)')
    .option('--to <dir>', 'new or empty folder outside the state dir')
    .option('--in-place', 'replace the live config, workspace and sessions (takes a safety backup first)')
    .option('--json', 'print the result as JSON')
    .action(async (archive: string, opts: { to?: string; inPlace?: boolean; json?: boolean }) => {
      const result = await backup.restore(archive, { ...(opts.to !== undefined ? { to: opts.to } : {}), ...(opts.inPlace ? { inPlace: true } : {}) });
      if (opts.json) return json(result.mode === 'target' ? { mode: result.mode, target: result.target, files: result.files } : result);
      if (result.mode === 'target') return cli.print(`restored ${result.files} files into ${result.target}`);
      cli.print(`safety backup: ${result.safetyBackup.path}`);
      cli.print(`replaced: ${result.replaced.join(', ') || 'nothing'}`);
      if (result.skipped.length > 0) cli.warn(`not restored (no such source here): ${result.skipped.join(', ')}`);
    });

  command.command('prune')
    .description('delete archives past backup.retention (days, keeping the newest count)')
    .option('--dry-run', 'only list what would be deleted')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { dryRun?: boolean; json?: boolean }) => {
      const result = await backup.prune(opts.dryRun ? { dryRun: true } : {});
      if (opts.json) return json(result);
      for (const a of result.deleted) cli.print(`${opts.dryRun ? 'would delete' : 'deleted'} ${a.name}`);
      cli.print(`${result.kept.length} kept, ${result.deleted.length} ${opts.dryRun ? 'to delete' : 'deleted'}`);
    });
}

const BAR_WIDTH = 24;

export function progressBar(p: SnapshotProgress): string {
  const done = p.total === 0 ? BAR_WIDTH : Math.round((p.files / p.total) * BAR_WIDTH);
  return `backup [${'#'.repeat(done)}${'-'.repeat(BAR_WIDTH - done)}] ${p.files}/${p.total} files, ${formatBytes(p.bytes)}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${value.toFixed(1)} ${units[unit]}`;
}
