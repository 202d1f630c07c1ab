/**
 * `moltbot skills list | info <name> | check`: read straight from the skill folders (no
 * gateway needed). `check` exits 1 when a skill's SKILL.md is invalid (unmet requirements
 * are reported, not failures: the skill is simply hidden until they are met).
 */
import type { Command } from 'commander';
import type { CliContext } from '../../sdk/core/index.ts';
import type { SkillRecord } from './scan.ts';

const STATUS_ORDER = ['available', 'unavailable', 'disabled', 'shadowed', 'invalid'];

function row(record: SkillRecord): string {
  const why = record.reasons.length > 0 ? `  (${record.reasons.join('; ')})` : '';
  return `${record.name.padEnd(28)} ${record.status.padEnd(11)} ${record.source.padEnd(18)} ${record.status === 'available' ? (record.description ?? '') : why.trim()}`;
}

export function registerSkillsCommand(program: Command, cli: CliContext, list: () => Promise<SkillRecord[]>): void {
  const skills = program.command('skills').description('agent skills: list, info, check');
  skills
    .command('list')
    .description('every skill found, with its status (available, unavailable + reason, invalid, shadowed)')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const records = await list();
      if (options.json) return cli.print(`${JSON.stringify(records.map(({ meta: _meta, ...r }) => r))}\n`);
      if (records.length === 0) return cli.print('no skills found (workspace skills/, <state>/skills, plugin dirs)\n');
      const sorted = [...records].sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || a.name.localeCompare(b.name));
      cli.print(`${'NAME'.padEnd(28)} ${'STATUS'.padEnd(11)} ${'SOURCE'.padEnd(18)} DESCRIPTION / REASON\n${sorted.map(row).join('\n')}\n`);
    });
  skills
    .command('info <name>')
    .description('one skill: where it comes from, its requirements and its status')
    .action(async (name: string) => {
      const matches = (await list()).filter((r) => r.name === name);
      if (matches.length === 0) {
        cli.warn(`no skill "${name}" (moltbot skills list shows them)\n`);
        return cli.setExitCode(1);
      }
      const out = matches.map((r) => [
        `${r.name}  [${r.status}]  from ${r.source}`,
        `  file: ${r.file}`,
        ...(r.description ? [`  description: ${r.description}`] : []),
        ...(r.meta ? [`  requires: bins=${list_(r.meta.requires.bins)} anyBins=${list_(r.meta.requires.anyBins)} env=${list_(r.meta.requires.env)} config=${list_(r.meta.requires.config)} os=${list_(r.meta.os)}`] : []),
        ...r.reasons.map((reason) => `  - ${reason}`),
      ].join('\n'));
      cli.print(`${out.join('\n\n')}\n`);
    });
  skills
    .command('check')
    .description('validate every SKILL.md; exits 1 when one is invalid')
    .action(async () => {
      const records = await list();
      const invalid = records.filter((r) => r.status === 'invalid');
      const count = (status: string) => records.filter((r) => r.status === status).length;
      for (const r of invalid) cli.warn(`invalid: ${r.file}: ${r.reasons.join('; ')}\n`);
      for (const r of records.filter((x) => x.status === 'unavailable')) cli.print(`unavailable: ${r.name}: ${r.reasons.join('; ')}\n`);
      cli.print(`${records.length} skills: ${count('available')} available, ${count('unavailable')} unavailable, ${count('shadowed')} shadowed, ${count('disabled')} disabled, ${invalid.length} invalid\n`);
      if (invalid.length > 0) cli.setExitCode(1);
    });
}

function list_(values: readonly string[]): string {
  return values.length === 0 ? '-' : values.join(',');
}
