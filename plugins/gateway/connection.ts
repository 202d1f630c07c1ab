/**
 * One WebSocket client: its state (handshake → authenticating → open → closed), what the
 * server granted it, and the send path. Every send checks the socket's buffered bytes: a
 * client that stops reading is terminated once they pass `maxBufferedBytes`, so one slow
 * consumer cannot grow the gateway's memory without bound.
 */
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ConnectionInfo } from '../../sdk/core/index.ts';
import { type WireError, impliedScopes } from '../../sdk/protocol/index.ts';
import type { RequestId } from './frames.ts';
import type { Caller } from './dispatch.ts';
import type { RequestContext } from './request-context.ts';
import type { Runtime } from './runtime.ts';

export type ConnectionState = 'handshake' | 'authenticating' | 'open' | 'closed';

export interface ConnectionEvents {
  /** Called once, when the socket closed (any reason). */
  onClosed(connection: Connection, code: number): void;
  onTerminated(connection: Connection, reason: string): void;
}

interface Receiver {
  _maxPayload?: number;
}

const CONNECTION = Symbol('moltbot.connection');
/** ws's WebSocket.OPEN (the class is imported as a type only). */
const SOCKET_OPEN = 1;

/** The Connection a socket belongs to (shared listeners find it here). */
export function connectionOf(ws: WebSocket): Connection {
  return (ws as unknown as { [CONNECTION]: Connection })[CONNECTION];
}

const credentialKeys = new Map<string, string>();

/** One string per credential, shared by its connections (few subjects, many connections). */
export function credentialKey(subject: string | undefined): string {
  const name = subject ?? 'anonymous';
  let key = credentialKeys.get(name);
  if (key === undefined) {
    if (credentialKeys.size >= 1_000) credentialKeys.clear();
    credentialKeys.set(name, (key = `cred:${name}`));
  }
  return key;
}

/** Ids are unique per process: a random prefix plus a counter (short and cheap; they appear in logs). */
const ID_PREFIX = randomBytes(6).toString('base64url');
let nextId = 0;

const flushOf = (connection: Connection) => connection.flush();

export class Connection implements Caller {
  readonly id = `${ID_PREFIX}-${(++nextId).toString(36)}`;
  readonly ws: WebSocket;
  readonly runtime: Runtime;
  /** Canonical client IP. */
  readonly ip: string;
  /** Limiter key of the client (client-address.ts sourceKey). */
  readonly source: string;
  readonly origin: string | undefined;
  readonly local: boolean;
  state: ConnectionState = 'handshake';
  /** Highest granted scope rank (0 before auth). */
  rank = 0;
  subject: string | undefined;
  /** Frozen view handed to plugins (RpcContext.connection); set when the connection opens. */
  info: ConnectionInfo | undefined;
  /** Heartbeat: answered the last ping. */
  alive = true;
  invalidFrames = 0;
  seq = 0;
  /** Requests running for this connection (aborted if it closes); created on the first one. */
  inflight: Set<RequestContext> | undefined;
  handshakeTimer: NodeJS.Timeout | undefined;
  /** From `connect` until `hello-ok` is sent: frames the client pipelined (dispatch.ts holdEarly). */
  early: { frames: Array<{ data: Buffer | ArrayBuffer | Buffer[]; isBinary: boolean }>; bytes: number } | undefined;
  readonly #maxBuffered: number;
  readonly #events: ConnectionEvents;
  /** The upgraded TCP socket: corked while a burst of frames is written. */
  readonly #socket: Pick<Writable, 'cork' | 'uncork'>;
  #corked = false;
  #corkedChars = 0;

  constructor(ws: WebSocket, socket: Pick<Writable, 'cork' | 'uncork'>, runtime: Runtime, client: { ip: string; source: string; origin: string | undefined; local: boolean }, events: ConnectionEvents) {
    this.ws = ws;
    this.#socket = socket;
    this.runtime = runtime;
    this.ip = client.ip;
    this.source = client.source;
    this.origin = client.origin;
    this.local = client.local;
    this.#maxBuffered = runtime.settings.maxBufferedBytes;
    this.#events = events;
    (ws as unknown as { [CONNECTION]: Connection })[CONNECTION] = this;
  }

  /** Rate-limit key of this connection's request bucket (built once: keys are hashed per lookup). */
  readonly bucketKey = `c:${this.id}`;
  /** Rate-limit key of the credential's bucket, shared by its connections; set on open. */
  credentialKey = 'cred:';

  open(grant: { rank: number; subject: string | undefined; maxPayload: number }): void {
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.state = 'open';
    this.rank = grant.rank;
    this.subject = grant.subject;
    this.credentialKey = credentialKey(grant.subject);
    this.info = Object.freeze({
      id: this.id,
      remoteAddress: this.ip,
      ...(this.origin !== undefined ? { origin: this.origin } : {}),
      scopes: impliedScopes(grant.rank),
      ...(grant.subject !== undefined ? { subject: grant.subject } : {}),
    });
    raisePayloadLimit(this.ws, grant.maxPayload);
  }

  /** The socket is closing or closed (a close was sent or received), whatever `state` still says. */
  get closing(): boolean {
    return this.ws.readyState !== SOCKET_OPEN;
  }

  /** False when the connection is gone (or was just terminated for not reading). */
  send(text: string): boolean {
    if (this.state === 'closed') return false;
    // Frames sent in one turn of the event loop (a run's deltas parsed from one read of the
    // model's stream, a broadcast) leave in one write: the first corks the socket, the end of
    // the turn flushes it. Nothing waits past the current turn, and a burst larger than
    // maxBufferedBytes goes out at once (its length in characters is the cheap bound).
    if (!this.#corked) {
      this.#corked = true;
      this.#socket.cork();
      process.nextTick(flushOf, this);
    }
    this.ws.send(text);
    this.#corkedChars += text.length;
    return this.#corkedChars > this.#maxBuffered ? this.flush() : true;
  }

  /**
   * Writes what the turn corked, then checks what the socket could not take: a client that
   * does not read is terminated at maxBufferedBytes (checked here, not per frame, or a corked
   * burst would count as unread).
   */
  flush(): boolean {
    if (this.#corked) {
      this.#corked = false;
      this.#corkedChars = 0;
      this.#socket.uncork();
    }
    if (this.state === 'closed') return false;
    if (this.ws.bufferedAmount > this.#maxBuffered) {
      this.terminate('slow consumer: send buffer over maxBufferedBytes');
      return false;
    }
    return true;
  }

  /** An event frame with this connection's next `seq`. */
  sendEvent(event: string, payload: unknown): boolean {
    if (this.state !== 'open') return false;
    const body = payload === undefined ? '' : `,"payload":${JSON.stringify(payload)}`;
    return this.send(`{"type":"event","event":"${event}"${body},"seq":${++this.seq}}`);
  }

  respond(id: RequestId, payload: unknown): boolean {
    let text: string;
    try {
      text = JSON.stringify(payload === undefined ? { type: 'res', id, ok: true } : { type: 'res', id, ok: true, payload });
    } catch {
      return this.fail(id, { code: 'INTERNAL', message: 'the method returned a result that cannot be sent as JSON' });
    }
    return this.send(text);
  }

  fail(id: RequestId | null, error: WireError): boolean {
    if (this.state === 'open') this.runtime.traffic.errors++;
    return this.send(JSON.stringify({ type: 'res', id, ok: false, error }));
  }

  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.ws.close(code, reason);
  }

  terminate(reason: string): void {
    if (this.state === 'closed') return;
    this.#events.onTerminated(this, reason);
    this.ws.terminate();
  }

  /** The socket closed: stop timers, abort in-flight work. Idempotent. */
  closed(code: number): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.handshakeTimer);
    if (this.inflight !== undefined) for (const request of this.inflight) request.abort('connection closed');
    this.#events.onClosed(this, code);
  }
}

/**
 * Frames before `connect` are held to the small pre-auth limit (the server's maxPayload);
 * after it the connection gets the full limit. ws has no public setter, so the receiver's
 * field is set directly; the gateway test suite checks both limits against real frames.
 */
export function raisePayloadLimit(ws: WebSocket, bytes: number): void {
  const receiver = (ws as unknown as { _receiver?: Receiver })._receiver;
  if (receiver === undefined || typeof receiver._maxPayload !== 'number') {
    throw new Error('ws internals changed: WebSocket._receiver._maxPayload not found (pin ws 8.x or update connection.ts)');
  }
  receiver._maxPayload = bytes;
}
