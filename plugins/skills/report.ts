/** Doctor and security-audit findings of the skills plugin. */
import { readdir, realpath } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { CheckReport } from '../../sdk/core/index.ts';
import { isInside } from '../../sdk/workspace/index.ts';
import type { SkillRecord } from './scan.ts';

/** `moltbot doctor`: invalid skills are a warning naming file and reason; the rest a summary. */
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

/**
 * `moltbot security audit`: a symlink under the workspace `skills/` that leads outside the
 * workspace (security-tests `skills.workspace.symlink_escape`). Such entries are never loaded
 * (symlinked folders are skipped, a symlinked SKILL.md is invalid), but someone put them there.
 */
export async function auditSkillSymlinks(workspace: string, report: CheckReport): Promise<void> {
  const root = join(workspace, 'skills');
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const realWorkspace = await realpath(workspace).catch(() => workspace);
  const escapes: string[] = [];
  for (const entry of entries) {
    if (!entry.isSymbolicLink()) continue;
    const path = join(entry.parentPath, entry.name);
    const target = await realpath(path).catch(() => undefined);
    if (target === undefined || !isInside(realWorkspace, target)) escapes.push(`${relative(workspace, path)} -> ${target ?? '(dangling)'}`);
  }
  if (escapes.length === 0) return;
  report.add({
    id: 'skills.workspace.symlink_escape',
    severity: 'warning',
    title: `${escapes.length} symlink(s) under the workspace skills/ lead outside the workspace`,
    description: `${escapes.join('\n')}\nThey are not loaded as skills; a skill pack that plants them may be trying to expose files.`,
    recommendation: 'Remove the links; copy skills into skills/ instead of linking them.',
  });
}
