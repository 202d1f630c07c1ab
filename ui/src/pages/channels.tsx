/** Channel states and pairing requests waiting for an operator (the channels plugin's RPC). */
import { useEffect, useState } from 'preact/hooks';
import { time } from '../format.ts';
import { Problem, useRpc, type PageProps } from '../use-rpc.tsx';

interface ChannelStatus {
  id: string; state: string; since: number; lastError?: { message: string; at: number };
  queue: { pending: number; max: number; dropped: number };
  inbound: { accepted: number; dropped: number; pairing: number };
  outbound: { sent: number; failed: number; retried: number };
}
interface PairingRequest { channel: string; code: string; sender: string; senderName?: string; createdAt: number; expiresAt: number }

/** Accepts a bare array or `{ <key>: [...] }`. */
const listOf = <T,>(payload: unknown, key: string): T[] => (Array.isArray(payload) ? payload : ((payload as Record<string, unknown> | undefined)?.[key] as T[] | undefined) ?? []);

export function Channels({ gateway }: PageProps) {
  const status = useRpc<unknown>(gateway, 'channels.status', {});
  const pairing = useRpc<unknown>(gateway, 'pairing.list', {});
  const [message, setMessage] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    const offStatus = gateway.on('channels.status', () => status.reload());
    const offPairing = gateway.on('pairing.requested', () => pairing.reload());
    return () => {
      offStatus();
      offPairing();
    };
  }, [gateway, status.reload, pairing.reload]);
  const decide = (request: PairingRequest, verdict: 'approve' | 'reject') => {
    setError(undefined);
    gateway.request(`pairing.${verdict}`, { channel: request.channel, code: request.code }).then(
      () => {
        setMessage(`${verdict === 'approve' ? 'Approved' : 'Rejected'} ${request.senderName ?? request.sender} on ${request.channel}.`);
        pairing.reload();
      },
      (failure: Error) => setError(failure.message),
    );
  };
  const channels = listOf<ChannelStatus>(status.data, 'channels');
  const requests = listOf<PairingRequest>(pairing.data, 'requests');
  return (
    <>
      <section aria-labelledby="channel-status">
        <h2 id="channel-status">Status</h2>
        <Problem text={status.error} />
        <table>
          <thead><tr><th scope="col">Channel</th><th scope="col">State</th><th scope="col">Since</th><th scope="col">Inbound (accepted/dropped/pairing)</th><th scope="col">Outbound (sent/failed)</th><th scope="col">Queue</th><th scope="col">Last error</th></tr></thead>
          <tbody>
            {channels.map((c) => (
              <tr key={c.id}>
                <th scope="row">{c.id}</th>
                <td><span class={`state ${c.state}`}>{c.state}</span></td>
                <td>{time(c.since)}</td>
                <td>{c.inbound.accepted}/{c.inbound.dropped}/{c.inbound.pairing}</td>
                <td>{c.outbound.sent}/{c.outbound.failed}</td>
                <td>{c.queue.pending}/{c.queue.max}</td>
                <td>{c.lastError?.message ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {status.data !== undefined && channels.length === 0 && <p class="muted">No channel is configured.</p>}
      </section>
      <section aria-labelledby="pairing-title">
        <h2 id="pairing-title">Pairing requests</h2>
        <Problem text={pairing.error} />
        <Problem text={error} />
        {message && <p class="notice" role="status">{message}</p>}
        {pairing.data !== undefined && requests.length === 0 && <p class="muted">No pairing request is waiting.</p>}
        <ul class="pairing">
          {requests.map((r) => (
            <li key={`${r.channel}:${r.code}`}>
              <span><strong>{r.senderName ?? r.sender}</strong> on {r.channel} · code <code>{r.code}</code> · expires {time(r.expiresAt)}</span>
              <button type="button" onClick={() => decide(r, 'approve')} aria-label={`Approve ${r.senderName ?? r.sender} on ${r.channel}`}>Approve</button>
              <button type="button" class="secondary" onClick={() => decide(r, 'reject')} aria-label={`Reject ${r.senderName ?? r.sender} on ${r.channel}`}>Reject</button>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
