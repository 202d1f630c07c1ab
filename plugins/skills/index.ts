/**
 * `skills`: folders with a SKILL.md from the workspace `skills/`, `<stateDir>/skills` and
 * plugin-provided dirs (highest first), gated on their requirements; the available ones are
 * listed in the system prompt and read on demand with the `skill_read` tool.
 * `moltbot skills list|info|check`. See README.md beside this file.
 */
import { join, resolve } from 'node:path';
import tapable from 'tapable';
import schema from '../../schemas/plugins/skills.json' with { type: 'json' };
import validate from '../../schemas/generated/skills.validate.ts';
import { agentWorkspace, protectPaths } from '../../sdk/workspace/index.ts';
import { definePlugin, type PluginContext, createServiceRef } from '../../sdk/core/index.ts';
import { toolRegistryRef } from '../../sdk/agent/index.ts';
import { registerSkillsCommand } from './cli.ts';
import { skillsPromptSection } from './prompt.ts';
import { auditSkillSymlinks, diagnoseSkills } from './report.ts';
import { SkillScanner, type SkillRecord, type SkillSource } from './scan.ts';
import { createSkillReadTool } from './skill-tool.ts';

/** Skills found in the workspace and their status. */
export const skillsServiceRef = createServiceRef<SkillsService>({ id: 'skills', description: 'Skills found in the workspace and their status' });

export type { SkillRecord, SkillSource, SkillStatus } from './scan.ts';
export type { SkillMeta, SkillRequires } from './frontmatter.ts';

export interface SkillsOptions {
  extraDirs: string[];
  disabled: string[];
  maxPromptChars: number;
  maxReadBytes: number;
  maxSkillBytes: number;
  maxDepth: number;
}

export interface SkillsService {
  /**
   * Every skill found, in precedence order, with its status (re-scanned cheaply per call): the
   * main agent's, or those of the agent a session key names (its own workspace's `skills/`).
   */
  list(sessionKey?: string): Promise<SkillRecord[]>;
}

/** A skill folder root a plugin contributes (its skills rank below workspace and managed ones). */
export interface SkillDirRegistration {
  plugin: string;
  dir: string;
}

export function createSkillsHooks() {
  return {
    /** Plugins add skill roots here (SyncWaterfallHook over a list; push and return it). */
    dirs: new tapable.SyncWaterfallHook<[SkillDirRegistration[]]>(['dirs'], 'skills.dirs'),
  };
}
export type SkillsHooks = ReturnType<typeof createSkillsHooks>;

/** The skills plugin's hooks; list "skills" in your plugin's `dependencies` to use them. */
export function getSkillsHooks(ctx: Pick<PluginContext, 'hooksOf'>): SkillsHooks {
  return ctx.hooksOf('skills') as unknown as SkillsHooks;
}

export default definePlugin<SkillsOptions>({
  name: 'skills',
  version: '1.0.0',
  provides: [skillsServiceRef],
  kernel: '^1.0.0',
  description: 'Skills (SKILL.md folders): gated on requirements, listed in the prompt, read with skill_read',
  schema,
  validate,
  dependencies: ['agent'],
  consumes: [toolRegistryRef],
  setup(ctx, options) {
    // A skill is the owner's instructions: a sandboxed session must not write one.
    protectPaths(ctx, {
      covers: (path) => path === 'skills' || path.startsWith('skills/'),
      refuses: (policy, sessionKey, access) => access === 'write' && policy.sandboxed(sessionKey),
      reason: 'skills are the owner\'s instructions: sandboxed sessions cannot write or edit files under skills/',
    });
    const hooks = ctx.exposeHooks(createSkillsHooks());
    const scanner = new SkillScanner({ maxDepth: options.maxDepth, maxSkillBytes: options.maxSkillBytes, disabled: options.disabled });
    // The workspace's skills are its agent's: another agent of agents.list reads its own workspace's.
    const sources = (workspace: string): SkillSource[] => [
      { label: 'workspace', dir: join(workspace, 'skills') },
      { label: 'managed', dir: join(ctx.paths.stateDir, 'skills') },
      ...hooks.dirs.call([]).map((r) => ({ label: `plugin:${r.plugin}`, dir: r.dir })),
      ...options.extraDirs.map((dir) => ({ label: 'extra', dir: resolve(ctx.paths.cwd, dir) })),
    ];
    const service: SkillsService = {
      list: (sessionKey) => scanner.scan(sources(agentWorkspace(ctx, sessionKey)), { env: process.env, config: ctx.config, platform: process.platform }),
    };
    ctx.provide(skillsServiceRef, service);

    const registry = ctx.use(toolRegistryRef);
    ctx.onClose(registry.register(createSkillReadTool(service.list, options.maxReadBytes)));

    ctx.hooks.beforeAgentRun.tapPromise(ctx.name, async (run) => {
      if (run.tools !== undefined && !run.tools.includes('skill_read')) return run;
      let section: string | undefined;
      try {
        section = skillsPromptSection(await service.list(run.sessionKey), options.maxPromptChars);
      } catch (error) {
        ctx.log.warn({ err: error }, 'skills could not be scanned; the run goes on without them');
      }
      if (section === undefined) return run;
      return { ...run, systemPrompt: run.systemPrompt === undefined ? section : `${run.systemPrompt}\n\n${section}` };
    });

    ctx.hooks.cliCommands.tap(ctx.name, (program, cli) => registerSkillsCommand(program, cli, service.list));
    ctx.hooks.diagnose.tapPromise(ctx.name, async (report) => diagnoseSkills(await service.list(), report));
    ctx.hooks.audit.tapPromise(ctx.name, (report) => auditSkillSymlinks(ctx.paths.workspace, report));
  },
});
