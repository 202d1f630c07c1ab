/**
 * The agents of one gateway (`agents.list`, OpenClaw's shape) resolved from the config, with
 * `agents.defaults` as the base every entry inherits and the single `agent` block kept as the
 * agent `main`. Pure: the agent plugin, the channels (bindings) and the workspace helper all
 * resolve the same roster from the same frozen config, memoized per config object so a turn
 * costs one map lookup.
 *
 * Semantic errors the schema cannot express (duplicate ids, two defaults, OpenClaw keys Moltbot
 * does not use) are `MOLT_ERR_CONFIG_INVALID` naming the path(s) and the fix.
 */
import { MoltbotError } from '../../core/errors.ts';
import { expandHome } from '../../core/config/state-dir.ts';
import { TOOL_GROUPS } from './tool-policy.ts';
import type { SandboxPolicyConfig } from './tool-policy.ts';

export const MAIN_AGENT_ID = 'main';
export const DEFAULT_AGENT_MODEL = 'anthropic/claude-3-5-sonnet-20241022';
const AGENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export interface AgentIdentity {
  name?: string;
  emoji?: string;
  theme?: string;
  avatar?: string;
}

export interface AgentToolsConfig {
  allow?: readonly string[];
  deny?: readonly string[];
}

/** One agent as it runs: everything inherited is filled in. */
export interface AgentProfile {
  id: string;
  name?: string;
  /** Unmatched channel traffic goes to the default agent. */
  isDefault: boolean;
  model: string;
  fallbacks: readonly string[];
  /** Absolute (`~` expanded). */
  workspace: string;
  systemPrompt?: string;
  /** The agent's own tool limits (on top of the sandbox policy): deny wins, an empty/absent allow allows every tool. */
  tools: AgentToolsConfig;
  sandbox?: SandboxPolicyConfig;
  /** Set when the entry has a `sandbox` of its own (the agent then enforces it, on top of the tool-policy plugin's defaults). */
  sandboxPath?: string;
  /** Skill names the agent may use (absent: every skill). */
  skills?: readonly string[];
  memory?: { enabled?: boolean };
  identity?: AgentIdentity;
  /** Where it was configured (`agent`, `agents.list[2]`): for error messages. */
  path: string;
}

export interface AgentRoster {
  readonly defaultId: string;
  readonly list: readonly AgentProfile[];
  get(id: string): AgentProfile | undefined;
  /**
   * The agent's own limit for `tool` (its `tools.allow/deny`, `memory.enabled: false` for the
   * memory tools, its `skills` for `skill_read`'s `name`): `undefined` when allowed, else the reason.
   */
  toolRefusal(agentId: string, tool: string, args?: unknown): string | undefined;
}

export interface RosterOptions {
  /** The main agent's workspace, home-expanded (the kernel's `paths.workspace`). */
  mainWorkspace: string;
  /** For `~` in an entry's workspace. */
  home: string;
}

type Raw = Record<string, any>;

const invalid = (path: string, message: string, fix: string) => new MoltbotError('MOLT_ERR_CONFIG_INVALID', { message: `${path}: ${message}`, path, fix });

/** A model given as a string or OpenClaw's `{ primary, fallbacks }`. */
function modelOf(value: unknown): { model?: string; fallbacks?: string[] } {
  if (typeof value === 'string') return { model: value };
  if (typeof value === 'object' && value !== null) {
    const { primary, fallbacks } = value as { primary?: string; fallbacks?: string[] };
    return { ...(primary !== undefined ? { model: primary } : {}), ...(fallbacks !== undefined ? { fallbacks } : {}) };
  }
  return {};
}

/** Runs `work`, giving its config errors to `plugin` (the kernel reports them as they are, not as a failed setup). */
export function configErrorsOf<T>(plugin: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof MoltbotError && error.code === 'MOLT_ERR_CONFIG_INVALID' && error.plugin === undefined) {
      throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', { message: error.message, plugin, fix: error.fix, ...(error.path !== undefined ? { path: error.path } : {}) });
    }
    throw error;
  }
}

const cache = new WeakMap<object, Map<string, AgentRoster>>();

/** The roster of `config`, memoized per (frozen) config object and options. */
export function agentRoster(config: Readonly<Raw>, options: RosterOptions): AgentRoster {
  let perConfig = cache.get(config);
  if (perConfig === undefined) {
    perConfig = new Map();
    cache.set(config, perConfig);
  }
  const key = `${options.mainWorkspace}\0${options.home}`;
  let roster = perConfig.get(key);
  if (roster === undefined) {
    roster = resolveAgentRoster(config, options);
    perConfig.set(key, roster);
  }
  return roster;
}

export function resolveAgentRoster(config: Readonly<Raw>, options: RosterOptions): AgentRoster {
  const agent: Raw = config['agent'] ?? {};
  const agents: Raw = config['agents'] ?? {};
  const defaults: Raw = agents['defaults'] ?? {};
  const entries: Raw[] = Array.isArray(agents['list']) ? agents['list'] : [];
  const expand = (path: string) => expandHome(path, options.home);

  const baseModel = { ...modelOf(defaults['model']), ...(defaults['fallbacks'] !== undefined ? { fallbacks: defaults['fallbacks'] } : {}) };
  const base = {
    model: baseModel.model ?? DEFAULT_AGENT_MODEL,
    fallbacks: baseModel.fallbacks ?? [],
  };
  const main: AgentProfile = {
    id: MAIN_AGENT_ID,
    isDefault: false,
    model: agent['model'] ?? base.model,
    fallbacks: [...(agent['fallbacks'] ?? base.fallbacks)],
    workspace: options.mainWorkspace,
    ...(agent['systemPrompt'] !== undefined ? { systemPrompt: agent['systemPrompt'] } : defaults['systemPrompt'] !== undefined ? { systemPrompt: defaults['systemPrompt'] } : {}),
    tools: defaults['tools'] ?? {},
    ...(defaults['sandbox'] !== undefined ? { sandbox: defaults['sandbox'] } : {}),
    ...(defaults['skills'] !== undefined ? { skills: defaults['skills'] } : {}),
    ...(defaults['memory'] !== undefined ? { memory: defaults['memory'] } : {}),
    ...(defaults['identity'] !== undefined ? { identity: defaults['identity'] } : {}),
    path: 'agent',
  };
  const profiles = new Map<string, AgentProfile>([[MAIN_AGENT_ID, main]]);
  const seen = new Map<string, string>();
  let defaultPath: string | undefined;
  let defaultId = MAIN_AGENT_ID;

  entries.forEach((entry, index) => {
    const path = `agents.list[${index}]`;
    const id = entry['id'];
    if (typeof id !== 'string' || !AGENT_ID.test(id)) {
      throw invalid(`${path}.id`, `${JSON.stringify(id)} is not an agent id`, 'Use lower-case letters, digits, "-" and "_" (at most 64), e.g. "work".');
    }
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      throw invalid(`${path}.id`, `agent id "${id}" is already used by ${earlier}.id`, `Give each entry of agents.list its own id (or merge ${earlier} and ${path}).`);
    }
    seen.set(id, path);
    if (entry['agentDir'] !== undefined) {
      throw invalid(`${path}.agentDir`, 'Moltbot keeps every agent\'s state in <stateDir>/state/agents/<id>/ and has no agentDir', `Remove ${path}.agentDir (move OpenClaw's auth profiles to providers).`);
    }
    if (entry['default'] === true) {
      if (defaultPath !== undefined) {
        throw invalid(`${path}.default`, `two default agents: ${defaultPath}.default and ${path}.default`, 'Mark one agent `default: true`; unmatched traffic goes to it.');
      }
      defaultPath = path;
      defaultId = id;
    }
    const inherited = profiles.get(id) ?? main;
    const own = modelOf(entry['model']);
    const workspace = entry['workspace'] !== undefined
      ? expand(entry['workspace'])
      : id === MAIN_AGENT_ID ? main.workspace : `${defaults['workspace'] !== undefined ? expand(defaults['workspace']) : options.mainWorkspace}-${id}`;
    const sandbox = entry['sandbox'] !== undefined ? { ...defaults['sandbox'], ...entry['sandbox'] } : inherited.sandbox;
    profiles.set(id, {
      id,
      ...(entry['name'] !== undefined ? { name: entry['name'] } : {}),
      isDefault: false,
      model: own.model ?? (id === MAIN_AGENT_ID ? main.model : base.model),
      fallbacks: [...(entry['fallbacks'] ?? own.fallbacks ?? (id === MAIN_AGENT_ID ? main.fallbacks : base.fallbacks))],
      workspace,
      ...(entry['systemPrompt'] !== undefined ? { systemPrompt: entry['systemPrompt'] } : defaults['systemPrompt'] !== undefined ? { systemPrompt: defaults['systemPrompt'] } : {}),
      tools: entry['tools'] ?? defaults['tools'] ?? {},
      ...(sandbox !== undefined ? { sandbox } : {}),
      ...(entry['sandbox'] !== undefined ? { sandboxPath: `${path}.sandbox` } : inherited.sandboxPath !== undefined ? { sandboxPath: inherited.sandboxPath } : {}),
      ...((entry['skills'] ?? defaults['skills']) !== undefined ? { skills: entry['skills'] ?? defaults['skills'] } : {}),
      ...((entry['memory'] ?? defaults['memory']) !== undefined ? { memory: { ...defaults['memory'], ...entry['memory'] } } : {}),
      ...((entry['identity'] ?? defaults['identity']) !== undefined ? { identity: { ...defaults['identity'], ...entry['identity'] } } : {}),
      path,
    });
  });
  const list = [...profiles.values()].map((profile) => Object.freeze({ ...profile, isDefault: profile.id === defaultId }));
  const byId = new Map(list.map((profile) => [profile.id, profile]));
  const limits = new Map(list.map((profile) => [profile.id, compileToolLimits(profile)]));
  return Object.freeze({
    defaultId,
    list: Object.freeze(list),
    get: (id: string) => byId.get(id),
    toolRefusal(agentId: string, tool: string, args?: unknown) {
      const limit = limits.get(agentId);
      if (limit === undefined) return `agent "${agentId}" is not configured (agents.list)`;
      return limit(tool, args);
    },
  });
}

/** Names, `group:*` aliases and `prefix*` patterns (MCP tools) of one list. */
function matcher(names: readonly string[]): (tool: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const name of names) {
    for (const one of TOOL_GROUPS[name] ?? [name]) {
      if (one === '*') prefixes.push('');
      else if (one.endsWith('*')) prefixes.push(one.slice(0, -1));
      else exact.add(one);
    }
  }
  return (tool) => exact.has(tool) || prefixes.some((prefix) => tool.startsWith(prefix));
}

const MEMORY_TOOLS = new Set(TOOL_GROUPS['group:memory']);
/** The skills plugin's tool that loads a skill by `name`. */
const SKILL_TOOL = 'skill_read';

function compileToolLimits(profile: AgentProfile): (tool: string, args?: unknown) => string | undefined {
  const allow = profile.tools.allow ?? [];
  const deny = profile.tools.deny ?? [];
  const allowed = allow.length === 0 ? () => true : matcher(allow);
  const denied = deny.length === 0 ? () => false : matcher(deny);
  const at = profile.path === 'agent' ? 'agents.defaults' : profile.path;
  const noMemory = profile.memory?.enabled === false;
  const skills = profile.skills === undefined ? undefined : new Set(profile.skills);
  return (tool, args) => {
    if (denied(tool)) return `tool "${tool}" is denied to agent "${profile.id}" (${at}.tools.deny)`;
    if (!allowed(tool)) return `tool "${tool}" is not allowed for agent "${profile.id}" (${at}.tools.allow)`;
    if (noMemory && MEMORY_TOOLS.has(tool)) return `agent "${profile.id}" has no memory (${at}.memory.enabled is false)`;
    if (skills !== undefined && tool === SKILL_TOOL && args !== undefined) {
      const name = (args as { name?: unknown }).name;
      if (typeof name !== 'string' || !skills.has(name)) return `skill ${JSON.stringify(name)} is not one of agent "${profile.id}"'s skills (${at}.skills)`;
    }
    return undefined;
  };
}
