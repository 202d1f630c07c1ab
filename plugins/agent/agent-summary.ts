/** How an agent is shown to people and clients (RPC agents.*, `moltbot agents list|show`): its settings as they run. */
import type { AgentProfile } from '../../sdk/agent/index.ts';

export function agentSummary(agent: AgentProfile): Record<string, unknown> {
  return {
    id: agent.id,
    ...(agent.name !== undefined ? { name: agent.name } : {}),
    default: agent.isDefault,
    model: agent.model,
    fallbacks: agent.fallbacks,
    workspace: agent.workspace,
    tools: agent.tools,
    ...(agent.identity !== undefined ? { identity: agent.identity } : {}),
    ...(agent.skills !== undefined ? { skills: agent.skills } : {}),
  };
}
