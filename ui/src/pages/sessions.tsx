/** Sessions, a transcript, and a run's trace as a timeline of model and tool time. */
import { useEffect, useState } from 'preact/hooks';
import { ms, time } from '../format.ts';
import { Problem, useRpc, type PageProps } from '../use-rpc.tsx';

interface Summary { key: string; agentId: string; updatedAt: number; messageCount: number; tokenCount: { input: number; output: number } }
interface Message { id: string; role: string; content: string; at: number; runId?: string; name?: string; model?: string; toolCalls?: { name: string; args: unknown }[] }
interface TraceEvent { t: number; type: string; [key: string]: unknown }
interface Trace {
  runId: string; status: string; totalDuration: number; modelCallTime: number; toolExecutionTime: number;
  tokenUsage: { input: number; output: number }; model?: string; error?: string; events: TraceEvent[];
}

/** Pairs start/end events into bars: model calls and tool calls, in run-relative ms. */
export function spans(trace: Trace): { kind: 'model' | 'tool'; label: string; start: number; end: number }[] {
  const out: { kind: 'model' | 'tool'; label: string; start: number; end: number }[] = [];
  const open = new Map<string, TraceEvent>();
  for (const event of trace.events) {
    const key = event.type.startsWith('tool.') ? `tool:${String(event.callId ?? '')}` : 'model';
    if (event.type === 'model.start' || event.type === 'tool.start') open.set(key, event);
    if (event.type === 'model.end' || event.type === 'model.error' || event.type === 'tool.end') {
      const start = open.get(key);
      if (start === undefined) continue;
      open.delete(key);
      const kind = key === 'model' ? 'model' : 'tool';
      out.push({ kind, label: kind === 'model' ? String(start.model ?? 'model') : String(start.tool ?? 'tool'), start: start.t, end: event.t });
    }
  }
  return out;
}

function Timeline({ trace }: { trace: Trace }) {
  const total = Math.max(1, trace.totalDuration);
  return (
    <section class="trace" aria-labelledby="trace-title">
      <h2 id="trace-title">Run {trace.runId}</h2>
      <dl class="facts">
        <div><dt>Status</dt><dd>{trace.status}</dd></div>
        <div><dt>Total</dt><dd>{ms(trace.totalDuration)}</dd></div>
        <div><dt>Model time</dt><dd data-testid="model-time">{ms(trace.modelCallTime)}</dd></div>
        <div><dt>Tool time</dt><dd data-testid="tool-time">{ms(trace.toolExecutionTime)}</dd></div>
        <div><dt>Tokens</dt><dd>{trace.tokenUsage.input} in / {trace.tokenUsage.output} out</dd></div>
        {trace.model && <div><dt>Model</dt><dd>{trace.model}</dd></div>}
      </dl>
      {trace.error && <p class="error">{trace.error}</p>}
      <ol class="timeline" aria-label="Timeline">
        {spans(trace).map((span, index) => (
          <li key={index} class={`span ${span.kind}`}>
            <span class="label">{span.kind === 'model' ? 'Model' : 'Tool'} · {span.label} · {ms(span.end - span.start)}</span>
            <div class="track" role="img" aria-label={`${span.label} from ${ms(span.start)} to ${ms(span.end)} of ${ms(total)}`}>
              {/* Positioned through the CSSOM (allowed by the page's CSP; style attributes are not). */}
              <div class="bar" style={{ left: `${(100 * span.start) / total}%`, width: `${Math.max(0.5, (100 * (span.end - span.start)) / total)}%` }} />
            </div>
          </li>
        ))}
      </ol>
      <details>
        <summary>Raw events ({trace.events.length})</summary>
        <pre>{JSON.stringify(trace.events, null, 2)}</pre>
      </details>
    </section>
  );
}

function Transcript({ gateway, sessionKey }: PageProps & { sessionKey: string }) {
  const history = useRpc<{ messages: Message[] }>(gateway, 'sessions.history', { sessionKey, limit: 500 });
  const [trace, setTrace] = useState<Trace | undefined>();
  const [error, setError] = useState<string | undefined>();
  const runs = [...new Set((history.data?.messages ?? []).map((m) => m.runId).filter((id): id is string => id !== undefined))];
  const open = (runId: string) => {
    setError(undefined);
    gateway.request<Trace>('runs.trace', { runId }).then(setTrace, (failure: Error) => setError(failure.message));
  };
  return (
    <section aria-labelledby="transcript-title">
      <h2 id="transcript-title">Transcript of {sessionKey}</h2>
      <Problem text={history.error} />
      <ol class="messages">
        {(history.data?.messages ?? []).map((m) => (
          <li key={m.id} class={`message ${m.role}`}>
            <span class="meta">{m.role}{m.name ? ` ${m.name}` : ''} · {time(m.at)}{m.runId ? ` · run ${m.runId}` : ''}</span>
            <p>{m.content || (m.toolCalls ?? []).map((call) => `calls ${call.name}(${JSON.stringify(call.args)})`).join('\n')}</p>
          </li>
        ))}
      </ol>
      {runs.length > 0 && (
        <div class="runs">
          <h3>Runs</h3>
          <ul>{runs.map((runId) => <li key={runId}><button type="button" onClick={() => open(runId)}>Trace {runId}</button></li>)}</ul>
        </div>
      )}
      <Problem text={error} />
      {trace && <Timeline trace={trace} />}
    </section>
  );
}

/** Agents to filter by, when the gateway lists them (the agent plugin's agents.list). */
function useAgentIds(gateway: PageProps['gateway']): string[] {
  const [ids, setIds] = useState<string[]>([]);
  useEffect(() => {
    if (!gateway.has('agents.list')) return;
    gateway.request<{ agents: { id: string }[] }>('agents.list', {}).then(({ agents }) => setIds(agents.map((a) => a.id)), () => setIds([]));
  }, [gateway]);
  return ids;
}

export function Sessions({ gateway }: PageProps) {
  const agentIds = useAgentIds(gateway);
  const [agentId, setAgentId] = useState('');
  const list = useRpc<{ sessions: Summary[] }>(gateway, 'sessions.list', agentId === '' ? {} : { agentId });
  const [selected, setSelected] = useState<string | undefined>();
  return (
    <div class="split">
      <section aria-label="Session list">
        <div class="controls">
          <button type="button" onClick={list.reload}>Refresh</button>
          {agentIds.length > 1 && (
            <label>Agent{' '}
              <select value={agentId} onChange={(event) => setAgentId((event.target as HTMLSelectElement).value)}>
                <option value="">All agents</option>
                {agentIds.map((id) => <option key={id} value={id}>{id}</option>)}
              </select>
            </label>
          )}
        </div>
        <Problem text={list.error} />
        <table>
          <caption>Sessions{agentId === '' ? '' : ` of agent ${agentId}`}</caption>
          <thead><tr><th scope="col">Session</th><th scope="col">Agent</th><th scope="col">Messages</th><th scope="col">Tokens</th><th scope="col">Updated</th></tr></thead>
          <tbody>
            {(list.data?.sessions ?? []).map((s) => (
              <tr key={s.key} aria-selected={s.key === selected} data-session-key={s.key}>
                <th scope="row"><button type="button" class="link" onClick={() => setSelected(s.key)}>{s.key}</button></th>
                <td>{s.agentId}</td>
                <td>{s.messageCount}</td>
                <td>{s.tokenCount.input + s.tokenCount.output}</td>
                <td>{time(s.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data?.sessions.length === 0 && <p class="muted">No sessions yet.</p>}
      </section>
      {selected && <Transcript key={selected} gateway={gateway} sessionKey={selected} />}
    </div>
  );
}
