/**
 * The dashboard's only data path: one WebSocket to the origin this page was served from
 * (never a URL from the query string or anywhere else), speaking the gateway protocol
 * (moltbot/protocol: frame types shared with the gateway and the CLI, by relative path here).
 */
import type { WireError } from '../../sdk/protocol/error-codes.ts';
import type { ConnectParams, HelloOk, RequestFrame, ServerFrame } from '../../sdk/protocol/frames.ts';

export type { WireError };
export interface Credential {
  kind: 'password' | 'token';
  secret: string;
}

export class RpcFailure extends Error {
  readonly code: string;
  readonly retryAfterMs?: number;
  constructor(error: WireError) {
    super(error.message);
    this.code = error.code;
    if (error.retryAfterMs !== undefined) this.retryAfterMs = error.retryAfterMs;
  }
}

export type Hello = HelloOk;

type Listener = (payload: any) => void;

/** ws:// or wss:// to exactly the host and port of this page. */
export function gatewayUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`;
}

export class Gateway {
  readonly #ws: WebSocket;
  readonly #pending = new Map<string, { resolve(payload: any): void; reject(error: Error): void }>();
  readonly #listeners = new Map<string, Set<Listener>>();
  #next = 0;
  hello: Hello | undefined;
  onClose: ((event: CloseEvent) => void) | undefined;
  #credential: Credential | undefined;

  /** An HTTP request to the gateway's own origin with the credential of this connection (media, uploads). */
  http(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.#credential) headers.set('Authorization', `Bearer ${this.#credential.secret}`);
    return fetch(path, { ...init, headers, credentials: 'omit', redirect: 'error' });
  }

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.addEventListener('message', (message) => this.#receive(String(message.data)));
    ws.addEventListener('close', (event) => {
      for (const waiter of this.#pending.values()) waiter.reject(new RpcFailure({ code: 'DISCONNECTED', message: 'connection to the gateway closed' }));
      this.#pending.clear();
      this.onClose?.(event);
    });
  }

  /** Opens the socket and authenticates; rejects with an RpcFailure the login page can show. */
  static async connect(credential: Credential): Promise<Gateway> {
    const ws = new WebSocket(gatewayUrl());
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener('open', () => resolve(), { once: true });
      ws.addEventListener('close', () => reject(new RpcFailure({ code: 'UNREACHABLE', message: `the gateway at ${location.host} refused the connection` })), { once: true });
    });
    const gateway = new Gateway(ws);
    gateway.#credential = credential;
    try {
      const params: ConnectParams = {
        minProtocol: 1,
        maxProtocol: 1,
        client: { id: 'control-ui', version: '1.0.0', platform: 'browser' },
        auth: { [credential.kind]: credential.secret },
      };
      gateway.hello = await gateway.request<Hello>('connect', params);
    } catch (error) {
      ws.close();
      throw error;
    }
    return gateway;
  }

  get scopes(): readonly string[] {
    return this.hello?.scopes ?? [];
  }

  has(method: string): boolean {
    return this.hello?.methods.includes(method) ?? false;
  }

  request<T = any>(method: string, params?: unknown): Promise<T> {
    if (this.#ws.readyState !== WebSocket.OPEN) return Promise.reject(new RpcFailure({ code: 'DISCONNECTED', message: 'not connected to the gateway' }));
    const id = `ui${++this.#next}`;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const frame: RequestFrame = { type: 'req', id, method, ...(params === undefined ? {} : { params }) };
      this.#ws.send(JSON.stringify(frame));
    });
  }

  /** Subscribes to a server event; returns the unsubscribe function. */
  on(event: string, listener: Listener): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  close(): void {
    this.onClose = undefined;
    this.#ws.close(1000, 'logout');
  }

  #receive(text: string): void {
    let frame: ServerFrame | undefined;
    try {
      frame = JSON.parse(text) as ServerFrame;
    } catch {
      return;
    }
    if (frame?.type === 'res') {
      const waiter = this.#pending.get(String(frame.id));
      if (waiter === undefined) return;
      this.#pending.delete(String(frame.id));
      if (frame.ok) waiter.resolve(frame.payload);
      else waiter.reject(new RpcFailure(frame.error ?? { code: 'INTERNAL', message: 'request failed' }));
    } else if (frame?.type === 'event') {
      for (const listener of this.#listeners.get(frame.event) ?? []) listener(frame.payload);
    }
  }
}

/** Kept for this tab only (never localStorage): closing the tab forgets the secret. */
const STORE_KEY = 'moltbot.controlUi.credential';

export function savedCredential(): Credential | undefined {
  try {
    const value = JSON.parse(sessionStorage.getItem(STORE_KEY) ?? 'null');
    return value && (value.kind === 'password' || value.kind === 'token') && typeof value.secret === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export function saveCredential(credential: Credential | undefined): void {
  if (credential === undefined) sessionStorage.removeItem(STORE_KEY);
  else sessionStorage.setItem(STORE_KEY, JSON.stringify(credential));
}

/** What the login page says for a failed connect. */
export function loginMessage(error: unknown): string {
  if (!(error instanceof RpcFailure)) return 'Could not connect to the gateway.';
  switch (error.code) {
    case 'UNAUTHORIZED': return 'Wrong password or token. Check the secret and try again.';
    case 'AUTH_RATE_LIMITED': return `Too many failed attempts. Try again in ${Math.ceil((error.retryAfterMs ?? 60_000) / 1000)} s.`;
    case 'AUTH_NOT_CONFIGURED': return 'The gateway has no authentication configured; nothing can log in.';
    case 'UNREACHABLE': return `Could not connect: ${error.message}.`;
    default: return `Login failed: ${error.message}`;
  }
}
