/**
 * `SKILL.md` front matter (YAML between `---` lines, parsed by `yaml`), checked field by
 * field. Field names follow the peer (OpenClaw/AgentSkills): `name`, `description`,
 * `requires: { bins, anyBins, env, config }`, `os`, `user-invocable`,
 * `disable-model-invocation`, `homepage`; `metadata.{moltbot,openclaw,clawdbot}` may carry the
 * same `requires`/`os` (peer skills put them there). A problem is returned, never thrown.
 */
import { createRequire } from 'node:module';

// `yaml` (72 modules) loads with the first SKILL.md parsed, not with the plugin: a start with
// no skill files never pays for it.
const require = createRequire(import.meta.url);
let parse: typeof import('yaml').parse | undefined;

export interface SkillRequires {
  bins: string[];
  /** At least one of these on PATH. */
  anyBins: string[];
  env: string[];
  /** Dotted root-config paths that must be set (`channels.telegram.botToken`). */
  config: string[];
}

export interface SkillMeta {
  name: string;
  description: string;
  requires: SkillRequires;
  /** `process.platform` values the skill works on; empty = any. */
  os: string[];
  userInvocable: boolean;
  /** Available, but not listed in the model's prompt. */
  disableModelInvocation: boolean;
  homepage?: string;
}

export type ParsedSkill = { ok: true; meta: SkillMeta; body: string } | { ok: false; reason: string };

export const SKILL_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const MAX_DESCRIPTION = 1024;
const FENCE = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

export function parseSkillFile(text: string): ParsedSkill {
  const match = FENCE.exec(text.replace(/^\uFEFF/, ''));
  if (match === null) return { ok: false, reason: 'no YAML front matter (the file must start with a "---" line, then name/description, then "---")' };
  parse ??= (require('yaml') as typeof import('yaml')).parse;
  let data: unknown;
  try {
    data = parse(match[1]!, { maxAliasCount: 10, prettyErrors: true });
  } catch (error) {
    return { ok: false, reason: `front matter is not valid YAML: ${(error as Error).message.split('\n')[0]}` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, reason: 'front matter must be a YAML mapping (key: value lines)' };
  const fm = data as Record<string, unknown>;
  const problems: string[] = [];
  const name = fm.name;
  if (typeof name !== 'string' || !SKILL_NAME.test(name)) problems.push(`"name" must be lowercase letters, digits, "-" or "_" (at most 64), got ${JSON.stringify(name ?? null)}`);
  const description = fm.description;
  if (typeof description !== 'string' || description.trim() === '') problems.push('"description" must be a non-empty string');
  else if (description.length > MAX_DESCRIPTION) problems.push(`"description" is longer than ${MAX_DESCRIPTION} characters`);
  const meta = metadataBlock(fm.metadata, problems);
  const requiresRaw = fm.requires ?? meta.requires;
  const requires: SkillRequires = { bins: [], anyBins: [], env: [], config: [] };
  if (requiresRaw !== undefined) {
    if (typeof requiresRaw !== 'object' || requiresRaw === null || Array.isArray(requiresRaw)) problems.push('"requires" must be a mapping with bins/anyBins/env/config lists');
    else {
      for (const [key, value] of Object.entries(requiresRaw)) {
        if (!(key in requires)) problems.push(`"requires.${key}" is not a known requirement (bins, anyBins, env, config)`);
        else requires[key as keyof SkillRequires] = stringList(value, `requires.${key}`, problems);
      }
    }
  }
  const os = stringList(fm.os ?? meta.os ?? [], 'os', problems);
  const userInvocable = flag(fm['user-invocable'], 'user-invocable', true, problems);
  const disableModelInvocation = flag(fm['disable-model-invocation'], 'disable-model-invocation', false, problems);
  if (fm.homepage !== undefined && typeof fm.homepage !== 'string') problems.push('"homepage" must be a string');
  if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
  return {
    ok: true,
    meta: {
      name: name as string, description: (description as string).trim(), requires, os, userInvocable, disableModelInvocation,
      ...(typeof fm.homepage === 'string' ? { homepage: fm.homepage } : {}),
    },
    body: text.slice(match[0].length),
  };
}

/** `metadata: { openclaw: { requires, os } }` (also `moltbot`, legacy `clawdbot`). */
function metadataBlock(value: unknown, problems: string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('"metadata" must be a mapping');
    return {};
  }
  const record = value as Record<string, unknown>;
  const block = record.moltbot ?? record.openclaw ?? record.clawdbot;
  return typeof block === 'object' && block !== null && !Array.isArray(block) ? block as Record<string, unknown> : {};
}

function stringList(value: unknown, field: string, problems: string[]): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' && v.length > 0 && v.length <= 256)) return value as string[];
  problems.push(`"${field}" must be a list of strings`);
  return [];
}

function flag(value: unknown, field: string, fallback: boolean, problems: string[]): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  problems.push(`"${field}" must be true or false`);
  return fallback;
}
