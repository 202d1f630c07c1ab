/**
 * RPC `agents.list` and `agents.get`: the gateway's agents as they run (inherited settings
 * filled in), with their bindings, for the control UI and other clients. Read-only: the config
 * file is edited with `moltbot agents add|remove` (or by hand) and takes effect on restart.
 */
import type { PluginContext } from '../../sdk/core/index.ts';
import { defineMethod, RpcError } from '../../sdk/gateway/index.ts';
import type { AgentProfile, AgentRoster, CompiledBinding } from '../../sdk/agent/index.ts';
import { agentSummary } from './agent-summary.ts';
import { AGENTS_GET, NO_PARAMS } from './method-params.ts';
import * as validators from '../../schemas/generated/agent.method-params.validate.ts';

function view(agent: AgentProfile, bindings: readonly CompiledBinding[]): Record<string, unknown> {
  return { ...agentSummary(agent), bindings: bindings.filter((b) => b.agentId === agent.id).map(({ agentId: _, score: __, ...rest }) => rest) };
}

export function defineAgentsMethods(ctx: Pick<PluginContext, 'name' | 'hooks' | 'use' | 'useOptional'>, roster: AgentRoster, bindings: readonly CompiledBinding[]): void {
  defineMethod(ctx, {
    name: 'agents.list',
    scope: 'read',
    description: 'The agents of this gateway with their model, workspace, tool limits and bindings',
    params: NO_PARAMS,
    validate: validators.NO_PARAMS,
    handler: () => ({ defaultId: roster.defaultId, agents: roster.list.map((agent) => view(agent, bindings)) }),
  });
  defineMethod<{ agentId: string }>(ctx, {
    name: 'agents.get',
    scope: 'read',
    description: 'One agent as it runs, with its bindings',
    params: AGENTS_GET,
    validate: validators.AGENTS_GET,
    handler: ({ agentId }) => {
      const agent = roster.get(agentId);
      if (agent === undefined) throw new RpcError('NOT_FOUND', `no agent "${agentId}" (agents.list shows them)`);
      return view(agent, bindings);
    },
  });
}
