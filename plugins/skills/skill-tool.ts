/**
 * `skill_read {name, file?}`: the body of an available skill (its SKILL.md, or another file of
 * its folder), read through the tools-fs path guard rooted at the skill folder: no `..`, no
 * absolute paths, no symlink or hard link leading out, size-bounded. Unavailable, invalid
 * and shadowed skills cannot be read (the model never saw them).
 */
import { readdir } from 'node:fs/promises';
import { MoltbotError, isMoltbotError } from '../../sdk/core/index.ts';
import type { ToolDefinition } from '../../sdk/agent/index.ts';
import { readWorkspaceFile } from '../../sdk/workspace/index.ts';
import type { SkillRecord } from './scan.ts';
import { skillErrors } from './error-codes.ts';
import { toolErrors } from '../../sdk/agent/index.ts';

const MAX_LISTED_FILES = 50;

/** `list(sessionKey)`: the skills of the calling session's agent. */
export function createSkillReadTool(list: (sessionKey: string) => Promise<SkillRecord[]>, maxReadBytes: number): ToolDefinition {
  return {
    name: 'skill_read',
    description: 'Read a skill listed under "Skills" in your instructions: its SKILL.md (default) or another file of the skill folder.',
    parameters: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { type: 'string', description: 'Skill name as listed.' },
        file: { type: 'string', description: 'A file inside the skill folder, relative to it (default SKILL.md).' },
      },
    },
    async handler(args: { name?: unknown; file?: unknown }, context) {
      if (typeof args?.name !== 'string') throw new MoltbotError(toolErrors.MOLT_ERR_TOOL_INVALID_ARGS, { message: 'skill_read: "name" must be a string', plugin: 'skills' });
      if (args.file !== undefined && typeof args.file !== 'string') throw new MoltbotError(toolErrors.MOLT_ERR_TOOL_INVALID_ARGS, { message: 'skill_read: "file" must be a string', plugin: 'skills' });
      const records = await list(context.sessionKey);
      const skill = records.find((r) => r.name === args.name && r.status === 'available');
      if (skill === undefined) {
        const other = records.find((r) => r.name === args.name);
        throw new MoltbotError(skillErrors.MOLT_ERR_SKILL_NOT_FOUND, {
          message: other === undefined ? `no skill named ${JSON.stringify(args.name.slice(0, 64))}` : `skill "${other.name}" is ${other.status}: ${other.reasons.join('; ')}`,
          plugin: 'skills',
        });
      }
      const file = args.file ?? 'SKILL.md';
      let content: string;
      try {
        content = await readWorkspaceFile(skill.dir, file, maxReadBytes, 'file');
      } catch (error) {
        // The guard speaks of "the workspace": here the root is the skill folder.
        if (isMoltbotError(error)) throw new MoltbotError(error.code, { message: error.message.replaceAll('the workspace', 'the skill folder'), plugin: 'skills' });
        throw error;
      }
      return { skill: skill.name, file, content, ...(file === 'SKILL.md' ? { files: await listFiles(skill.dir) } : {}) };
    },
  };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => `${e.parentPath.slice(dir.length + 1)}${e.parentPath === dir ? '' : '/'}${e.name}`)
    .filter((name) => name !== 'SKILL.md' && !name.split('/').some((part) => part.startsWith('.')))
    .sort()
    .slice(0, MAX_LISTED_FILES);
}
