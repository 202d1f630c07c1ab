/**
 * Heartbeat: one timer for all connections (not one per connection). Each tick terminates the
 * connections that did not answer the previous tick's ping and pings the rest; `terminate`,
 * not `close`, since a peer that does not answer pings will not answer a close frame either.
 */
import type { Runtime } from './runtime.ts';

export function startHeartbeat(runtime: Runtime): () => void {
  const timer = setInterval(() => {
    for (const connection of runtime.connections) {
      if (connection.state === 'closed') continue;
      if (!connection.alive) {
        runtime.log.info({ connId: connection.id, ip: connection.ip }, 'gateway client missed a heartbeat; terminating');
        connection.terminate('missed heartbeat');
        continue;
      }
      connection.alive = false;
      connection.ws.ping();
    }
  }, runtime.settings.heartbeatIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
