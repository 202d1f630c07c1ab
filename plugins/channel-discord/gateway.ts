/**
 * One Discord Gateway v10 connection (JSON encoding, no compression), from open to close.
 *
 * HELLO (op 10) gives the heartbeat interval: the first HEARTBEAT (op 1, last sequence number)
 * goes after `interval * random`, then every interval; a heartbeat due while the previous one
 * has no ACK (op 11) means a zombie connection, which is terminated (then resumed). A HEARTBEAT
 * asked by the server is answered at once. With a session to resume the client sends RESUME
 * (op 6: token, session_id, seq) to the session's `resume_gateway_url`, else IDENTIFY (op 2:
 * token, intents, properties). READY keeps session_id and resume_gateway_url; DISPATCH (op 0)
 * events advance the sequence number. RECONNECT (op 7) closes with a non-1000 code and resumes;
 * INVALID_SESSION (op 9) resumes when `d` is true, else drops the session (a fresh IDENTIFY).
 *
 * Close codes: 4004 (authentication failed), 4010-4014 (bad shard, sharding required, bad API
 * version, invalid or disallowed intents) are fatal: Discord says not to reconnect, the
 * channel reports the reason and stops. 4007 (invalid seq) and 4009 (session timed out) drop
 * the session. Anything else (including a dropped TCP connection, 1006) resumes.
 */
import WebSocket from 'ws';
import { DiscordFatalError } from './errors.ts';
import type { DiscordUser } from './normalize.ts';

export interface GatewaySession {
  id: string;
  resumeUrl: string;
  seq: number | null;
}

export interface ConnectionOptions {
  /** wss:// base URL (from GET /gateway/bot, or the session's resume_gateway_url). */
  url: string;
  token: string;
  intents: number;
  /** Session to RESUME; updated in place (seq), replaced on READY, cleared when invalid. */
  state: { session: GatewaySession | undefined };
  signal: AbortSignal;
  /** How long to wait for HELLO and for READY/RESUMED. */
  handshakeTimeoutMs: number;
  onReady(user: DiscordUser): void;
  onResumed(): void;
  onDispatch(type: string, data: unknown): void;
  onDebug(message: string, fields?: Record<string, unknown>): void;
}

export interface ConnectionEnd {
  code: number;
  reason: string;
  /** READY or RESUMED was reached on this connection. */
  ready: boolean;
  /** Discord said not to reconnect. */
  fatal?: DiscordFatalError;
}

const FATAL: Record<number, string> = {
  4004: 'Discord refused the bot token (gateway close 4004 Authentication failed): the token is invalid or was reset; set channels.discord.botToken to the current token',
  4010: 'Discord gateway close 4010 Invalid shard',
  4011: 'Discord gateway close 4011 Sharding required: this bot is in too many guilds for one connection',
  4012: 'Discord gateway close 4012 Invalid API version',
  4013: 'Discord gateway close 4013 Invalid intent(s)',
  4014: 'Discord gateway close 4014 Disallowed intent(s): enable the Message Content intent for the bot in the Discord developer portal (Bot → Privileged Gateway Intents), or set channels.discord.guilds to false',
};
const SESSION_LOST = new Set([4007, 4009]);
/** Our own close code when we want to resume: 1000/1001 would end the session on Discord's side. */
const CLOSE_RESUME = 4900;

export function gatewayUrl(base: string): string {
  const url = new URL(base);
  url.searchParams.set('v', '10');
  url.searchParams.set('encoding', 'json');
  return url.toString();
}

export function runConnection(options: ConnectionOptions): Promise<ConnectionEnd> {
  return new Promise((resolve) => {
    const { state } = options;
    const ws = new WebSocket(gatewayUrl(options.url), { handshakeTimeout: options.handshakeTimeoutMs, perMessageDeflate: false });
    let ready = false;
    let heartbeat: NodeJS.Timeout | undefined;
    let acked = true;
    let fatal: DiscordFatalError | undefined;
    let handshake: NodeJS.Timeout | undefined = setTimeout(() => {
      options.onDebug('discord gateway handshake timed out');
      ws.terminate();
    }, options.handshakeTimeoutMs);

    const send = (payload: unknown) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(payload));
    };
    const beat = () => send({ op: 1, d: state.session?.seq ?? null });
    const onAbort = () => ws.close(1000, 'shutting down');
    options.signal.addEventListener('abort', onAbort, { once: true });

    const startHeartbeat = (interval: number) => {
      const tick = () => {
        if (!acked) {
          options.onDebug('discord gateway heartbeat not acknowledged: reconnecting');
          ws.terminate();
          return;
        }
        acked = false;
        beat();
        heartbeat = setTimeout(tick, interval);
      };
      heartbeat = setTimeout(tick, Math.floor(interval * Math.random()));
    };

    ws.on('message', (raw) => {
      let packet: { op?: number; d?: unknown; s?: number | null; t?: string | null };
      try {
        packet = JSON.parse(raw.toString()) as typeof packet;
      } catch {
        options.onDebug('discord gateway sent a frame that is not JSON; ignored');
        return;
      }
      switch (packet.op) {
        case 10: {
          const interval = (packet.d as { heartbeat_interval?: unknown } | undefined)?.heartbeat_interval;
          startHeartbeat(typeof interval === 'number' && interval > 0 ? interval : 41_250);
          const session = state.session;
          if (session !== undefined) send({ op: 6, d: { token: options.token, session_id: session.id, seq: session.seq } });
          else send({ op: 2, d: { token: options.token, intents: options.intents, properties: { os: process.platform, browser: 'moltbot', device: 'moltbot' } } });
          break;
        }
        case 11:
          acked = true;
          break;
        case 1:
          beat();
          break;
        case 7:
          options.onDebug('discord gateway asked to reconnect (op 7)');
          ws.close(CLOSE_RESUME, 'reconnect requested');
          break;
        case 9:
          if (packet.d !== true) state.session = undefined;
          options.onDebug('discord gateway session invalid (op 9)', { resumable: packet.d === true });
          ws.close(CLOSE_RESUME, 'invalid session');
          break;
        case 0: {
          if (typeof packet.s === 'number' && state.session !== undefined) state.session.seq = packet.s;
          if (packet.t === 'READY') {
            const d = packet.d as { session_id: string; resume_gateway_url: string; user: DiscordUser };
            state.session = { id: d.session_id, resumeUrl: d.resume_gateway_url, seq: typeof packet.s === 'number' ? packet.s : null };
            ready = true;
            clearTimeout(handshake);
            handshake = undefined;
            options.onReady(d.user);
          } else if (packet.t === 'RESUMED') {
            ready = true;
            clearTimeout(handshake);
            handshake = undefined;
            options.onResumed();
          } else if (typeof packet.t === 'string') options.onDispatch(packet.t, packet.d);
          break;
        }
        default:
          break;
      }
    });

    ws.on('error', (error) => options.onDebug('discord gateway socket error', { error: error.message }));
    ws.on('close', (code, reasonBuffer) => {
      clearTimeout(heartbeat);
      clearTimeout(handshake);
      options.signal.removeEventListener('abort', onAbort);
      const reason = reasonBuffer.toString();
      if (FATAL[code] !== undefined) {
        fatal = new DiscordFatalError(FATAL[code]);
        state.session = undefined;
      }
      if (SESSION_LOST.has(code)) state.session = undefined;
      resolve({ code, reason, ready, ...(fatal === undefined ? {} : { fatal }) });
    });
  });
}
