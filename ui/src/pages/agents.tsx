/** The gateway's agents as they run (agents.list): model, fallbacks, workspace, tool limits and the bindings that route to each. */
import { Problem, useRpc, type PageProps } from '../use-rpc.tsx';

export interface AgentView {
  id: string; name?: string; default: boolean; model: string; fallbacks: string[]; workspace: string;
  tools?: { allow?: string[]; deny?: string[] };
  bindings: { path?: string; match: Record<string, unknown> }[];
}

const list = (items: readonly string[] | undefined) => (items && items.length > 0 ? items.join(', ') : '–');
const match = (m: Record<string, unknown>) => Object.entries(m).map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`).join(' ');

export function Agents({ gateway }: PageProps) {
  const agents = useRpc<{ defaultId: string; agents: AgentView[] }>(gateway, 'agents.list', {});
  return (
    <>
      <button type="button" onClick={agents.reload}>Refresh</button>
      <Problem text={agents.error} />
      {agents.data && (
        <table>
          <caption>Agents (unmatched traffic goes to {agents.data.defaultId})</caption>
          <thead><tr><th scope="col">Agent</th><th scope="col">Model</th><th scope="col">Fallbacks</th><th scope="col">Workspace</th><th scope="col">Tools allowed / denied</th><th scope="col">Bindings</th></tr></thead>
          <tbody>
            {agents.data.agents.map((agent) => (
              <tr key={agent.id} data-agent-id={agent.id}>
                <th scope="row">{agent.id}{agent.name ? ` (${agent.name})` : ''}{agent.default ? ' · default' : ''}</th>
                <td>{agent.model}</td>
                <td>{list(agent.fallbacks)}</td>
                <td><code>{agent.workspace}</code></td>
                <td>{list(agent.tools?.allow)} / {list(agent.tools?.deny)}</td>
                <td>{agent.bindings.length === 0 ? '–' : agent.bindings.map((b) => match(b.match)).join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
