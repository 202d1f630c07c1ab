/** `moltbot doctor`: invalid skills are a warning naming file and reason; the rest a summary. */
import type { CheckReport } from '../../core/hook-types.ts';
import type { SkillRecord } from './scan.ts';

export function diagnoseSkills(records: readonly SkillRecord[], report: CheckReport): void {
  const invalid = records.filter((r) => r.status === 'invalid');
  const count = (status: string) => records.filter((r) => r.status === status).length;
  report.add(invalid.length > 0
    ? {
      id: 'skills.invalid',
      severity: 'warning',
      title: `${invalid.length} skill(s) have an invalid SKILL.md`,
      description: invalid.map((r) => `${r.file}: ${r.reasons.join('; ')}`).join('\n'),
      recommendation: 'Fix the front matter (name, description between "---" lines); `moltbot skills check` re-checks.',
    }
    : {
      id: 'skills.invalid',
      severity: 'ok',
      title: 'Every SKILL.md is valid',
      description: `${records.length} skill(s): ${count('available')} available, ${count('unavailable')} unavailable (unmet requirements), ${count('shadowed')} shadowed.`,
    });
}
