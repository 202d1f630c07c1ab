/** Alerts firing now and the recent alert events. */
import { useEffect } from 'preact/hooks';
import { time } from '../format.ts';
import { Problem, useRpc, type PageProps } from '../use-rpc.tsx';

interface Alert { id: string; severity: string; source: string; message: string; state: 'firing' | 'resolved'; at: number }

function AlertTable({ alerts, caption }: { alerts: Alert[]; caption: string }) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead><tr><th scope="col">When</th><th scope="col">Severity</th><th scope="col">State</th><th scope="col">Alert</th><th scope="col">Source</th><th scope="col">Message</th></tr></thead>
      <tbody>
        {alerts.map((a, index) => (
          <tr key={`${a.id}-${a.at}-${index}`}>
            <td>{time(a.at)}</td>
            <td><span class={`severity ${a.severity}`}>{a.severity}</span></td>
            <td>{a.state}</td>
            <th scope="row">{a.id}</th>
            <td>{a.source}</td>
            <td>{a.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Alerts({ gateway }: PageProps) {
  const alerts = useRpc<{ active: Alert[]; recent: Alert[] }>(gateway, 'alerts.list', {});
  // The gateway pushes every alert event; the page reloads the list when one arrives.
  useEffect(() => gateway.on('alert', () => alerts.reload()), [gateway, alerts.reload]);
  return (
    <>
      <button type="button" onClick={alerts.reload}>Refresh</button>
      <Problem text={alerts.error} />
      {alerts.data && (
        <>
          <section aria-labelledby="active-title">
            <h2 id="active-title">Active ({alerts.data.active.length})</h2>
            {alerts.data.active.length === 0 ? <p class="muted">Nothing is firing.</p> : <AlertTable alerts={alerts.data.active} caption="Firing now" />}
          </section>
          <section aria-labelledby="recent-title">
            <h2 id="recent-title">Recent</h2>
            {alerts.data.recent.length === 0 ? <p class="muted">No alert since the gateway started.</p> : <AlertTable alerts={alerts.data.recent} caption="Latest events first" />}
          </section>
        </>
      )}
    </>
  );
}
