/**
 * The event and revocation halves of the `gateway` service (sdk/gateway/service.ts has its
 * contract and ref): delivery to open connections, serialised once per broadcast.
 */
import type { Scope } from '../../sdk/core/index.ts';
import { CLOSE_CODES, allows } from '../../sdk/protocol/index.ts';
import type { HealthRegistry } from './health.ts';
import type { MethodInfo } from '../../sdk/gateway/index.ts';
import type { Runtime } from './runtime.ts';
import type { CliOverrides } from './settings.ts';

const EVENT_NAME = /^[A-Za-z][A-Za-z0-9._:-]{0,127}$/;

export function revoke(runtime: Runtime, subject: string, reason: string): number {
  let closed = 0;
  for (const client of runtime.inProcess) {
    if (client.state !== 'open' || client.subject !== subject) continue;
    client.close(reason);
    closed++;
  }
  for (const connection of runtime.connections) {
    if (connection.state !== 'open' || connection.subject !== subject) continue;
    connection.close(CLOSE_CODES.POLICY, reason.slice(0, 100));
    closed++;
  }
  return closed;
}

export function sendTo(runtime: Runtime, connectionId: string, event: string, payload: unknown): boolean {
  if (!EVENT_NAME.test(event)) throw new TypeError(`gateway.sendTo(): invalid event name ${JSON.stringify(event)}`);
  // A WebSocket connection or an in-process client: each delivers the event its own way.
  return runtime.connectionsById.get(connectionId)?.sendEvent(event, payload) ?? false;
}

/** Serialises the payload once; only `seq` differs per connection. */
export function broadcast(runtime: Runtime, event: string, payload: unknown, scope: Scope = 'read'): number {
  if (!EVENT_NAME.test(event)) throw new TypeError(`gateway.broadcast(): invalid event name ${JSON.stringify(event)}`);
  const body = payload === undefined ? '' : `,"payload":${JSON.stringify(payload)}`;
  const head = `{"type":"event","event":"${event}"${body},"seq":`;
  let delivered = 0;
  for (const connection of runtime.connections) {
    if (connection.state !== 'open' || !allows(connection.rank, scope)) continue;
    if (connection.send(`${head}${++connection.seq}}`)) delivered++;
  }
  return delivered;
}
