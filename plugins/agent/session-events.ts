/**
 * Session event subscriptions: a client that calls `sessions.subscribe` gets the `chat.delta`,
 * `tool.progress` and `chat.final` events of every run in that session, whoever started it (another client, a
 * channel, a cron job) and on whichever gateway instance: with an `event-bus` service (e.g.
 * `events-redis`) each instance publishes its runs' events and delivers the others' to its
 * own subscribers. The client that started a run gets its events directly, never twice.
 * Events of one session come from the one instance running it, through one publisher
 * connection, so their order holds across instances.
 */
import type { EventBus, RunEvent } from '../../sdk/agent/index.ts';

export const SESSION_TOPIC = 'sessions';
/** Enough for a dashboard watching many sessions; bounded so one client cannot grow the maps without end. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 200;

/** The WebSocket event name of each run event type. */
export const EVENT_NAMES: Readonly<Record<RunEvent['type'], string>> = { delta: 'chat.delta', progress: 'tool.progress', final: 'chat.final' };
const KNOWN_EVENTS = new Set(Object.values(EVENT_NAMES));

interface BusMessage {
  origin: string;
  sessionKey: string;
  event: string;
  payload: unknown;
}

export interface SessionEventsDeps {
  instanceId: string;
  send(connectionId: string, event: string, payload: unknown): boolean;
  bus(): EventBus | undefined;
}

export class SessionEvents {
  readonly #deps: SessionEventsDeps;
  readonly #byKey = new Map<string, Set<string>>();
  readonly #byConnection = new Map<string, Set<string>>();
  readonly #requesters = new Map<string, string>();

  constructor(deps: SessionEventsDeps) {
    this.#deps = deps;
  }

  /** False when the connection already holds the maximum number of subscriptions. */
  subscribe(connectionId: string, sessionKey: string): boolean {
    let keys = this.#byConnection.get(connectionId);
    if (keys?.has(sessionKey)) return true;
    if ((keys?.size ?? 0) >= MAX_SUBSCRIPTIONS_PER_CONNECTION) return false;
    if (keys === undefined) this.#byConnection.set(connectionId, (keys = new Set()));
    keys.add(sessionKey);
    let connections = this.#byKey.get(sessionKey);
    if (connections === undefined) this.#byKey.set(sessionKey, (connections = new Set()));
    connections.add(connectionId);
    return true;
  }

  unsubscribe(connectionId: string, sessionKey?: string): void {
    const keys = this.#byConnection.get(connectionId);
    if (keys === undefined) return;
    for (const key of sessionKey === undefined ? [...keys] : [sessionKey]) {
      keys.delete(key);
      const connections = this.#byKey.get(key);
      connections?.delete(connectionId);
      if (connections?.size === 0) this.#byKey.delete(key);
    }
    if (keys.size === 0) this.#byConnection.delete(connectionId);
  }

  /** Connections holding at least one subscription. */
  get connections(): number {
    return this.#byConnection.size;
  }

  /** The connection that started `runId` gets that run's events directly: subscribers skip it. */
  startedBy(runId: string, connectionId: string): void {
    this.#requesters.set(runId, connectionId);
  }

  /** A run event of this instance: to local subscribers, then to the other instances. */
  local(event: RunEvent): void {
    const { type, ...payload } = event;
    const name = EVENT_NAMES[type];
    const requester = this.#requesters.get(event.runId);
    if (type === 'final') this.#requesters.delete(event.runId);
    this.#deliver(event.sessionKey, name, payload, requester);
    const message: BusMessage = { origin: this.#deps.instanceId, sessionKey: event.sessionKey, event: name, payload };
    this.#deps.bus()?.publish(SESSION_TOPIC, message);
  }

  /** An event another instance published. */
  remote(message: unknown): void {
    const m = message as Partial<BusMessage>;
    if (m.origin === this.#deps.instanceId || typeof m.sessionKey !== 'string' || typeof m.event !== 'string') return;
    if (!KNOWN_EVENTS.has(m.event)) return;
    this.#deliver(m.sessionKey, m.event, m.payload);
  }

  #deliver(sessionKey: string, event: string, payload: unknown, skip?: string): void {
    const connections = this.#byKey.get(sessionKey);
    if (connections === undefined) return;
    for (const connectionId of [...connections]) {
      if (connectionId === skip) continue;
      // A closed connection answers false: its subscriptions go with it.
      if (!this.#deps.send(connectionId, event, payload)) this.unsubscribe(connectionId);
    }
  }
}
