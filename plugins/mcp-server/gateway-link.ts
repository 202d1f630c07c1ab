/**
 * A persistent RPC connection to the gateway, made with a credential, for the MCP tools: the
 * same `connect` handshake, scope checks, params schemas and rate limits as any RPC client, so
 * an MCP caller can never do more than its credential allows over the WebSocket. Events
 * (`chat.final`, ...) reach the listeners; a request gets a timeout; a dropped connection fails
 * what is pending with a message saying so. The credential never appears in an error.
 */
import { WebSocket } from 'ws';
import { KERNEL_VERSION } from '../../sdk/core/index.ts';

export interface GatewayError extends Error {
  /** The gateway's wire code (FORBIDDEN, INVALID_REQUEST, ...) or UNREACHABLE / TIMEOUT / CLOSED. */
  code: string;
}

export interface GatewayLink {
  call(method: string, params?: unknown, timeoutMs?: number): Promise<unknown>;
  onEvent(listener: (event: string, payload: any) => void): () => void;
  readonly open: boolean;
  close(): void;
}

export interface LinkOptions {
  url: string;
  credential: Record<string, string>;
  /** Answer deadline of the handshake and of each call (default 30 s). */
  timeoutMs?: number;
  /** wss to this very process (the /mcp route): no certificate check, see README. */
  insecureTls?: boolean;
  /** Ask the gateway for fewer scopes than the credential grants (the handshake narrows, never widens). */
  scopes?: ('read' | 'write' | 'admin')[];
}

type Frame = { type: string; id?: string; ok?: boolean; payload?: unknown; event?: string; error?: { code: string; message: string; retryAfterMs?: number } };

/** The pseudo-event listeners get once when the connection is gone (waits end now, not at their timeout). */
export const LINK_CLOSED = '$closed';

export function gatewayError(code: string, message: string): GatewayError {
  return Object.assign(new Error(message), { code });
}

export function connectGateway(options: LinkOptions): Promise<GatewayLink> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(options.url, {
      perMessageDeflate: false,
      handshakeTimeout: timeoutMs,
      ...(options.insecureTls ? { rejectUnauthorized: false } : {}),
    });
    const pending = new Map<string, { resolve(value: unknown): void; reject(error: Error): void; timer: NodeJS.Timeout }>();
    const listeners = new Set<(event: string, payload: any) => void>();
    let nextId = 0;
    let connected = false;
    let closedReason: GatewayError | undefined;
    const handshake = setTimeout(() => fail(gatewayError('TIMEOUT', `no answer from the gateway at ${options.url} within ${timeoutMs} ms`)), timeoutMs);

    const fail = (error: GatewayError) => {
      clearTimeout(handshake);
      if (closedReason !== undefined) return;
      closedReason = error;
      for (const [, entry] of pending) {
        clearTimeout(entry.timer);
        entry.reject(closedReason);
      }
      pending.clear();
      if (connected) for (const listener of listeners) listener(LINK_CLOSED, { message: closedReason.message });
      ws.on('error', () => undefined);
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
      if (!connected) reject(closedReason);
    };

    ws.on('error', (error) => fail(gatewayError('UNREACHABLE', `cannot reach the gateway at ${options.url}: ${error.message} (is \`moltbot gateway\` running?)`)));
    ws.on('close', (code, reason) => fail(gatewayError('CLOSED', `the gateway closed the connection (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`)));
    ws.on('open', () => ws.send(JSON.stringify({
      type: 'req', id: 'connect', method: 'connect',
      params: { minProtocol: 1, maxProtocol: 1, client: { id: 'moltbot-mcp', version: KERNEL_VERSION }, auth: options.credential, ...(options.scopes ? { scopes: options.scopes } : {}) },
    })));
    ws.on('message', (data) => {
      let frame: Frame;
      try {
        frame = JSON.parse(data.toString()) as Frame;
      } catch {
        return;
      }
      if (frame.type === 'event' && typeof frame.event === 'string') {
        for (const listener of listeners) listener(frame.event, frame.payload);
        return;
      }
      if (frame.type !== 'res' || frame.id === undefined) return;
      if (frame.id === 'connect') {
        clearTimeout(handshake);
        if (!frame.ok) return fail(gatewayError(frame.error?.code ?? 'UNAUTHORIZED', `the gateway refused the connection: ${frame.error?.code} ${frame.error?.message}`));
        connected = true;
        return resolve(link);
      }
      const entry = pending.get(frame.id);
      if (entry === undefined) return;
      pending.delete(frame.id);
      clearTimeout(entry.timer);
      if (frame.ok) entry.resolve(frame.payload);
      else entry.reject(gatewayError(frame.error?.code ?? 'INTERNAL', frame.error?.message ?? 'the gateway refused the request'));
    });

    const link: GatewayLink = {
      call(method, params, callTimeoutMs = timeoutMs) {
        if (closedReason !== undefined) return Promise.reject(closedReason);
        const id = String(++nextId);
        return new Promise((resolveCall, rejectCall) => {
          const timer = setTimeout(() => {
            pending.delete(id);
            rejectCall(gatewayError('TIMEOUT', `the gateway did not answer ${method} within ${callTimeoutMs} ms`));
          }, callTimeoutMs);
          pending.set(id, { resolve: resolveCall, reject: rejectCall, timer });
          ws.send(JSON.stringify({ type: 'req', id, method, ...(params === undefined ? {} : { params }) }));
        });
      },
      onEvent(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      get open() {
        return closedReason === undefined;
      },
      close() {
        fail(gatewayError('CLOSED', 'the MCP session ended'));
      },
    };
  });
}
