/**
 * One Socket Mode connection through `@slack/socket-mode` (loaded on first use): the library
 * calls `apps.connections.open` with the app token, opens the WebSocket, waits for Slack's
 * `hello`, keeps the link checked with pings (no pong within `pingTimeoutMs` = dropped), turns
 * `events_api` envelopes into events and acknowledges them.
 *
 * Its own reconnect loop is off (`autoReconnectEnabled: false`): the adapter reconnects with
 * `host.backoff()` and reports each state, and a failed `apps.connections.open` (revoked
 * token) while the library reconnects on its own rejects a promise nobody awaits — an
 * unhandled rejection that would end the gateway process.
 *
 * An envelope is acknowledged once the channels service took its event: if the connection
 * drops first, Slack delivers it again on the next connection (`retry_attempt` > 0), and the
 * service drops the repeat by message id. Other envelope types (slash commands, interactivity)
 * are acknowledged and ignored.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../sdk/core/index.ts';
import { describeFailure } from './errors.ts';
import type { SlackOptions } from './options.ts';
import { clientOptions, slackLogger } from './web.ts';

let socketMode: Promise<typeof import('@slack/socket-mode')> | undefined;
const loadSocketMode = () => (socketMode ??= import('@slack/socket-mode'));

/** How a connection ended: Slack asked for a new one (`refresh_requested`, `warning`…), or it dropped. */
export interface SocketEnd {
  requested: boolean;
  /** Slack's disconnect reason, or what was seen. */
  reason: string;
}

export interface SocketSession {
  /** Resolves once the connection is gone. */
  readonly ended: Promise<SocketEnd>;
  close(): Promise<void>;
}

export interface SocketDeps {
  log: Logger;
  /** An Events API payload (`event_callback`); true once the channels service took it (then it is acknowledged). */
  onEvent(payload: unknown): Promise<boolean>;
}

/** A close that waits for Slack's answering close frame at most this long. */
const CLOSE_WAIT_MS = 2000;

/** Opens a connection; resolves once Slack said hello. Errors are token-free. */
export async function openSocket(options: SlackOptions, deps: SocketDeps): Promise<SocketSession> {
  const { SocketModeClient } = await loadSocketMode();
  const tokens = [options.appToken, options.botToken];
  const logger = slackLogger(deps.log, tokens);
  const client = new SocketModeClient({
    appToken: options.appToken as string,
    autoReconnectEnabled: false,
    clientPingTimeout: options.pingTimeoutMs,
    logger,
    clientOptions: clientOptions(options, logger),
  });
  let requested: string | undefined;
  client.on('ws_message', (data: unknown, isBinary: boolean) => {
    if (isBinary) return;
    try {
      const message = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer)) as { type?: unknown; reason?: unknown };
      if (message.type === 'disconnect') requested = typeof message.reason === 'string' ? message.reason : 'disconnect';
    } catch {
      // The library logs unparsable frames itself.
    }
  });
  client.on('slack_event', (event: { type: string; body: unknown; ack: () => Promise<void> }) => {
    void (async () => {
      const taken = event.type === 'events_api' ? await deps.onEvent(event.body) : true;
      // Not taken (the channel is stopping): no ack, so Slack delivers it again on the next connection.
      if (taken) await event.ack();
    })().catch((error: unknown) => deps.log.debug({ error: String((error as Error)?.message ?? error) }, 'slack envelope acknowledgement failed (Slack delivers it again)'));
  });
  const ended = new Promise<SocketEnd>((resolve) => {
    client.once('connected', () => {
      client.once('disconnected', () => resolve(requested === undefined ? { requested: false, reason: 'connection dropped' } : { requested: true, reason: requested }));
    });
  });
  const close = async () => {
    await Promise.race([client.disconnect(), sleep(CLOSE_WAIT_MS)]).catch(() => undefined);
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.start(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Slack Socket Mode: no hello within ${options.requestTimeoutMs} ms`)), options.requestTimeoutMs);
      }),
    ]);
  } catch (error) {
    await close();
    if (error === undefined) throw new Error('Slack Socket Mode: the WebSocket closed before hello');
    if (error instanceof Error && error.message.startsWith('Slack Socket Mode')) throw error;
    throw new Error(describeFailure(error, 'apps.connections.open', tokens).message);
  } finally {
    clearTimeout(timer);
  }
  return { ended, close };
}
