/**
 * Finds skills in their sources, in precedence order, and decides each one's status. Runs on
 * every agent run and CLI call: folders are listed and each `SKILL.md` is stat'ed, and a file
 * is read and parsed again only when its mtime or size changed (edits are picked up at the
 * next run without a watcher). Symlinked folders are not followed; hidden folders and
 * `node_modules` are skipped.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseSkillFile, type ParsedSkill, type SkillMeta } from './frontmatter.ts';
import { PathIndex, unmetRequirements, type GateInput } from './gating.ts';

export interface SkillSource {
  /** `workspace`, `managed`, `plugin:<name>` or `extra`: shown in listings. */
  label: string;
  dir: string;
}

export type SkillStatus = 'available' | 'unavailable' | 'invalid' | 'shadowed' | 'disabled';

export interface SkillRecord {
  /** The front matter's name (the folder name when the front matter is invalid). */
  name: string;
  description?: string;
  status: SkillStatus;
  /** Why it is not available (unmet requirements, the front-matter problem, the winner). */
  reasons: string[];
  source: string;
  dir: string;
  file: string;
  meta?: SkillMeta;
}

export interface ScanOptions {
  maxDepth: number;
  maxSkillBytes: number;
  disabled: readonly string[];
}

interface Cached { mtimeMs: number; size: number; parsed: ParsedSkill }

export class SkillScanner {
  readonly #cache = new Map<string, Cached>();
  readonly #options: ScanOptions;
  readonly #path = new PathIndex();
  /** Files read and parsed since creation (for tests and diagnostics). */
  parses = 0;

  /** PATH folders stat'ed since creation: none while no skill requires a binary. */
  get pathFoldersChecked(): number {
    return this.#path.checked;
  }

  constructor(options: ScanOptions) {
    this.#options = options;
  }

  async scan(sources: readonly SkillSource[], input: GateInput): Promise<SkillRecord[]> {
    const gate: GateInput = { ...input, hasBin: input.hasBin ?? this.#path.lookup(input.env.PATH) };
    const records: SkillRecord[] = [];
    const winners = new Map<string, SkillRecord>();
    const seenFiles = new Set<string>();
    for (const source of sources) {
      for (const dir of await findSkillDirs(source.dir, this.#options.maxDepth)) {
        const file = join(dir, 'SKILL.md');
        seenFiles.add(file);
        const parsed = await this.#parse(file);
        if (!parsed.ok) {
          records.push({ name: basename(dir), status: 'invalid', reasons: [parsed.reason], source: source.label, dir, file });
          continue;
        }
        const record: SkillRecord = { name: parsed.meta.name, description: parsed.meta.description, status: 'available', reasons: [], source: source.label, dir, file, meta: parsed.meta };
        const winner = winners.get(record.name);
        if (winner !== undefined) {
          record.status = 'shadowed';
          record.reasons.push(`shadowed by the ${winner.source} skill at ${winner.dir}`);
        } else {
          winners.set(record.name, record);
          if (this.#options.disabled.includes(record.name)) {
            record.status = 'disabled';
            record.reasons.push('listed in the skills plugin option "disabled"');
          } else {
            const unmet = unmetRequirements(parsed.meta, gate);
            if (unmet.length > 0) {
              record.status = 'unavailable';
              record.reasons.push(...unmet);
            }
          }
        }
        records.push(record);
      }
    }
    for (const file of this.#cache.keys()) if (!seenFiles.has(file)) this.#cache.delete(file);
    return records;
  }

  async #parse(file: string): Promise<ParsedSkill> {
    const stat = await lstat(file).catch(() => undefined);
    if (stat === undefined || !stat.isFile()) return { ok: false, reason: 'SKILL.md is not a regular file' };
    const cached = this.#cache.get(file);
    if (cached !== undefined && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.parsed;
    let parsed: ParsedSkill;
    if (stat.size > this.#options.maxSkillBytes) parsed = { ok: false, reason: `SKILL.md is ${stat.size} bytes; the limit is ${this.#options.maxSkillBytes} (option maxSkillBytes)` };
    else {
      this.parses++;
      try {
        parsed = parseSkillFile(await readFile(file, 'utf8'));
      } catch (error) {
        parsed = { ok: false, reason: `SKILL.md cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
      }
    }
    this.#cache.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, parsed });
    return parsed;
  }
}

/** Folders holding a SKILL.md under `root` (not below a skill), sorted by path. */
async function findSkillDirs(root: string, maxDepth: number): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const child = join(dir, entry.name);
      const marker = await lstat(join(child, 'SKILL.md')).catch(() => undefined);
      if (marker !== undefined) found.push(child);
      else if (depth < maxDepth) await walk(child, depth + 1);
    }
  };
  await walk(root, 1);
  return found;
}
