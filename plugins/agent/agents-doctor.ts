/**
 * `moltbot doctor` checks per agent: its models resolve to a configured provider with a wire
 * API loaded, its workspace is a writable folder, and every agent other than the default one is
 * reachable by a binding whose channel is configured (else only a session key reaches it).
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import type { CheckReport } from '../../sdk/core/index.ts';
import { resolveModel, type AgentRoster, type CompiledBinding, type ModelApi, type ProviderConfig } from '../../sdk/agent/index.ts';

export interface AgentsDoctorInput {
  roster: AgentRoster;
  bindings: readonly CompiledBinding[];
  providers: Readonly<Record<string, ProviderConfig>>;
  env: Readonly<Record<string, string | undefined>>;
  apiFor(api: string): ModelApi | undefined;
  /** Channel ids with a config section (webchat is always there). */
  channels: readonly string[];
}

export async function diagnoseAgents(input: AgentsDoctorInput, report: CheckReport): Promise<void> {
  const where = (path: string) => (path === 'agent' ? 'the agent block' : path);
  await Promise.all(input.roster.list.map(async (agent) => {
    const problems: string[] = [];
    for (const ref of [agent.model, ...agent.fallbacks]) {
      try {
        const resolved = resolveModel(ref, input.providers, input.env);
        if (input.apiFor(resolved.api) === undefined) problems.push(`${ref}: no plugin provides the "${resolved.api}" wire API`);
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
    report.add(problems.length === 0
      ? { id: `agents.${agent.id}.model`, severity: 'ok', title: `agent ${agent.id}: model`, description: `${agent.model}${agent.fallbacks.length > 0 ? ` (then ${agent.fallbacks.join(', ')})` : ''} is configured.` }
      : { id: `agents.${agent.id}.model`, severity: 'critical', title: `agent ${agent.id}: model not usable`, description: problems.join('; '), recommendation: `Fix the model of ${where(agent.path)} or the providers section.` });

    const writable = await stat(agent.workspace).then(
      async (info) => (info.isDirectory() ? access(agent.workspace, constants.W_OK).then(() => undefined, () => 'is not writable by the gateway user') : 'is not a folder'),
      () => 'does not exist',
    );
    report.add(writable === undefined
      ? { id: `agents.${agent.id}.workspace`, severity: 'ok', title: `agent ${agent.id}: workspace`, description: `${agent.workspace} is a writable folder.` }
      : { id: `agents.${agent.id}.workspace`, severity: 'warning', title: `agent ${agent.id}: workspace not usable`, description: `${agent.workspace} ${writable}: the agent's file tools fail.`, recommendation: `Create it (mkdir -p ${agent.workspace}) owned by the gateway user, or set ${agent.path === 'agent' ? 'agent.workspace' : `${agent.path}.workspace`}.` });

    if (agent.isDefault) return;
    const own = input.bindings.filter((binding) => binding.agentId === agent.id);
    const dead = own.filter((binding) => binding.channel !== undefined && !input.channels.includes(binding.channel));
    const live = own.length - dead.length;
    report.add(live > 0 && dead.length === 0
      ? { id: `agents.${agent.id}.bindings`, severity: 'ok', title: `agent ${agent.id}: bindings`, description: `${live} binding(s) route traffic to it.` }
      : {
        id: `agents.${agent.id}.bindings`,
        severity: 'warning',
        title: `agent ${agent.id}: ${live === 0 ? 'unreachable from channels' : 'a binding never matches'}`,
        description: [
          live === 0 ? 'No binding routes channel traffic to it: only a session key (RPC, sessions_send) reaches it.' : '',
          ...dead.map((binding) => `${binding.path} matches channel "${binding.channel}", which is not configured.`),
        ].filter(Boolean).join(' '),
        recommendation: 'Add a binding { agentId, match: { channel, peer? } } for it, or configure the channel the binding names.',
      });
  }));
}
