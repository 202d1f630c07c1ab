/**
 * send_message's wait: `chat.send` answers with a runId once the message is stored, the reply
 * arrives as `chat.delta` events and ends with `chat.final` on the same connection. Events are
 * buffered from before the request, so a final that races the response is not lost.
 */
import { gatewayError, LINK_CLOSED, type GatewayLink } from './gateway-link.ts';

export interface Reply {
  runId: string;
  sessionKey: string;
  status: 'ok' | 'error' | 'aborted';
  text: string;
  model?: string;
  error?: { code: string; message: string };
}

export interface ReplyRequest {
  message: string;
  sessionKey?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called per streamed chunk with the running count and the chunk. */
  onDelta?: ((count: number, text: string) => void) | undefined;
}

export async function awaitReply(gateway: GatewayLink, request: ReplyRequest): Promise<Reply> {
  const finals = new Map<string, Reply>();
  let runId: string | undefined;
  let deltas = 0;
  let wake: (() => void) | undefined;
  const stop = gateway.onEvent((event, payload) => {
    if (event === LINK_CLOSED) wake?.();
    else if (event === 'chat.final' && typeof payload?.runId === 'string') {
      finals.set(payload.runId, payload as Reply);
      wake?.();
    } else if (event === 'chat.delta' && payload?.runId === runId && typeof payload.text === 'string') {
      request.onDelta?.(++deltas, payload.text);
    }
  });
  try {
    const started = (await gateway.call('chat.send', { message: request.message, ...(request.sessionKey !== undefined ? { sessionKey: request.sessionKey } : {}) })) as { runId: string };
    runId = started.runId;
    const id = runId;
    return await new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => finish(gatewayError('TIMEOUT', `no reply within ${request.timeoutMs} ms; the run ${id} goes on, and session_history shows its reply once it ends`)), request.timeoutMs);
      const onAbort = () => finish(gatewayError('CANCELLED', `the caller cancelled the wait; the run ${id} goes on`));
      const finish = (error?: Error) => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        wake = undefined;
        if (error) return reject(error);
        resolve(finals.get(id)!);
      };
      wake = () => {
        if (finals.has(id)) finish();
        else if (!gateway.open) finish(gatewayError('CLOSED', `the gateway connection closed before run ${id} ended; session_history shows its reply once it ends`));
      };
      if (request.signal?.aborted) return onAbort();
      request.signal?.addEventListener('abort', onAbort, { once: true });
      wake();
    });
  } finally {
    stop();
  }
}
