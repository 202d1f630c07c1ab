/**
 * `moltbot agents list | show <id> | add <id> | remove <id>`. list/show read the loaded config
 * (the gateway need not run). add/remove edit the config file itself: a JSON file only (a
 * .ts/.js/.yaml config is code or formatted by hand: the command says what to add instead),
 * the file as written (never the resolved config: `${VAR}` references stay references), the
 * result checked with the root schema and the agents/bindings rules before it replaces the file
 * atomically with its mode kept (temp + fsync + rename). An agent's sessions and workspace are
 * never deleted by remove: it says where they are.
 */
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../../sdk/core/index.ts';
import { writeFileAtomic } from '../../sdk/core/index.ts';
import { validateRootConfig } from '../../sdk/config/index.ts';
import { MAIN_AGENT_ID, compileBindings, resolveAgentRoster, type AgentProfile } from '../../sdk/agent/index.ts';
import { agentSummary } from './agent-summary.ts';

export interface AgentsCliDeps {
  config: () => Readonly<Record<string, any>>;
  paths: () => { workspace: string; stateDir: string; configFile?: string };
}

class CliRefusal extends Error {}

function describe(agent: AgentProfile, stateDir: string, bindings: number): Record<string, unknown> {
  return { ...agentSummary(agent), sessions: join(stateDir, 'state', 'agents', agent.id, 'sessions'), bindings, configuredAt: agent.path };
}

/** Parses `--bind channel[:peer]` into a binding match. */
function bindingOf(agentId: string, spec: string): Record<string, unknown> {
  const [channel, peer] = spec.split(':', 2);
  if (channel === undefined || channel === '') throw new CliRefusal(`--bind ${JSON.stringify(spec)}: expected <channel> or <channel>:<peer>, e.g. irc:alice`);
  return { agentId, match: { channel, ...(peer !== undefined && peer !== '' ? { peer } : {}) } };
}

async function editConfigFile(deps: AgentsCliDeps, edit: (config: Record<string, any>) => void): Promise<string> {
  const file = deps.paths().configFile;
  if (file === undefined) throw new CliRefusal('no config file was loaded: run `moltbot onboard` first, or pass --config <file.json>');
  if (!file.endsWith('.json')) {
    throw new CliRefusal(`${file} is not a JSON file: edit it by hand (agents.list and bindings), the command only rewrites JSON configs`);
  }
  const text = await readFile(file, 'utf8');
  let config: Record<string, any>;
  try {
    config = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text) as Record<string, any>;
  } catch {
    throw new CliRefusal(`${file} is not plain JSON (comments or JSON5?): edit it by hand`);
  }
  edit(config);
  const checked = validateRootConfig(structuredClone(config));
  if (!checked) {
    const first = validateRootConfig.errors?.[0];
    throw new CliRefusal(`the edited config would be invalid at ${first?.instancePath || '/'}: ${first?.message ?? 'invalid'}; ${file} is unchanged`);
  }
  // The same rules the agent plugin applies at load (duplicate ids, bindings to unknown agents).
  compileBindings(config, resolveAgentRoster(config, { mainWorkspace: deps.paths().workspace, home: homedir() }));
  const { mode } = await stat(file);
  await writeFileAtomic(file, `${JSON.stringify(config, null, 2)}\n`, { mode: mode & 0o777 });
  return file;
}

export function registerAgentsCommand(program: Command, cli: CliContext, deps: AgentsCliDeps): void {
  const agents = program.command('agents').description('the agents of this gateway: list, show, add, remove');
  const roster = () => resolveAgentRoster(deps.config(), { mainWorkspace: deps.paths().workspace, home: homedir() });
  const bindingCount = (id: string) => ((deps.config()['bindings'] ?? []) as { agentId: string }[]).filter((b) => b.agentId === id).length;
  const refuse = (error: unknown) => {
    if (!(error instanceof CliRefusal) && !(error instanceof Error && (error as { code?: string }).code === 'MOLT_ERR_CONFIG_INVALID')) throw error;
    cli.warn(`error: ${error.message}\n`);
    cli.setExitCode(2);
  };

  agents
    .command('list')
    .description('every agent with its model, workspace and bindings')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) => {
      const stateDir = deps.paths().stateDir;
      const rows = roster().list.map((agent) => describe(agent, stateDir, bindingCount(agent.id)));
      if (options.json) return cli.print(`${JSON.stringify(rows)}\n`);
      const body = rows.map((r) => `${String(r['id']).padEnd(16)} ${(r['default'] ? 'yes' : '').padEnd(8)} ${String(r['model']).padEnd(40)} ${String(r['bindings']).padStart(8)}  ${String(r['workspace'])}`);
      cli.print(`${'ID'.padEnd(16)} ${'DEFAULT'.padEnd(8)} ${'MODEL'.padEnd(40)} ${'BINDINGS'.padStart(8)}  WORKSPACE\n${body.join('\n')}\n`);
    });

  agents
    .command('show <id>')
    .description('one agent as it runs (inherited settings filled in) and its bindings')
    .action((id: string) => {
      const agent = roster().get(id);
      if (agent === undefined) {
        cli.warn(`no agent "${id}" (moltbot agents list shows them)\n`);
        return cli.setExitCode(1);
      }
      const bindings = ((deps.config()['bindings'] ?? []) as { agentId: string }[]).filter((b) => b.agentId === id);
      cli.print(`${JSON.stringify({ ...describe(agent, deps.paths().stateDir, bindings.length), bindings }, null, 2)}\n`);
    });

  agents
    .command('add <id>')
    .description('adds an agent to agents.list of the JSON config file (checked before it is written)')
    .option('--model <ref>', 'its model, <provider>/<model> (default: agents.defaults.model)')
    .option('--workspace <dir>', 'its workspace folder (default: <main workspace>-<id>)')
    .option('--name <name>', 'display name')
    .option('--bind <channel[:peer]>', 'route a channel (or one DM peer of it) to the agent; repeatable', (value: string, all: string[] = []) => [...all, value])
    .action(async (id: string, options: { model?: string; workspace?: string; name?: string; bind?: string[] }) => {
      try {
        if (id === MAIN_AGENT_ID) throw new CliRefusal('"main" is the agent of the agent block: it always exists');
        const file = await editConfigFile(deps, (config) => {
          config['agents'] ??= {};
          const list = (config['agents']['list'] ??= []) as { id: string }[];
          if (list.some((entry) => entry.id === id)) throw new CliRefusal(`agent "${id}" already exists (agents.list)`);
          list.push({ id, ...(options.name !== undefined ? { name: options.name } : {}), ...(options.model !== undefined ? { model: options.model } : {}), ...(options.workspace !== undefined ? { workspace: options.workspace } : {}) });
          if (options.bind !== undefined) config['bindings'] = [...(config['bindings'] ?? []), ...options.bind.map((spec) => bindingOf(id, spec))];
        });
        cli.print(`added agent "${id}" to ${file}; restart the gateway to use it\n`);
      } catch (error) {
        refuse(error);
      }
    });

  agents
    .command('remove <id>')
    .description('removes an agent from agents.list (and, with --bindings, its bindings); its sessions and workspace stay on disk')
    .option('--bindings', 'also remove the bindings that route to it')
    .action(async (id: string, options: { bindings?: boolean }) => {
      try {
        if (id === MAIN_AGENT_ID) throw new CliRefusal('"main" is the agent of the agent block and cannot be removed');
        const file = await editConfigFile(deps, (config) => {
          const list = (config['agents']?.['list'] ?? []) as { id: string }[];
          const index = list.findIndex((entry) => entry.id === id);
          if (index === -1) throw new CliRefusal(`no agent "${id}" in agents.list`);
          const bound = ((config['bindings'] ?? []) as { agentId: string }[]).filter((b) => b.agentId === id).length;
          if (bound > 0 && options.bindings !== true) throw new CliRefusal(`${bound} binding(s) route to "${id}": pass --bindings to remove them too, or rebind them first`);
          list.splice(index, 1);
          if (bound > 0) config['bindings'] = (config['bindings'] as { agentId: string }[]).filter((b) => b.agentId !== id);
        });
        cli.print(`removed agent "${id}" from ${file}; its sessions stay in ${join(deps.paths().stateDir, 'state', 'agents', id)}\n`);
      } catch (error) {
        refuse(error);
      }
    });
}
