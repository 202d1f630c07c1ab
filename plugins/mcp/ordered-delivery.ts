/**
 * Why: the MCP SDK runs a notification's handler one microtask after the message arrives, but
 * handles a response at once, and a response retires its request's progress handler. When a
 * server's last `notifications/progress` and the call's response are read in one chunk (stdio
 * under load, a batched HTTP stream), the notification's handler then finds no handler and the
 * update is lost with an "unknown token" error (modelcontextprotocol/typescript-sdk#2580), so
 * the final "3/3" went missing about half the time on a busy machine. Delivering each message
 * one microtask after the one before it lets the handler queued for a notification run before
 * the next message, so updates a server sent before its response reach the caller first.
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

/** Wraps the `onmessage` the client installed on `transport` (call after `client.connect`). */
export function deliverInOrder(transport: Transport): void {
  const deliver = transport.onmessage;
  if (deliver === undefined) throw new Error('deliverInOrder(): the transport has no onmessage yet; call it after client.connect()');
  let tail: Promise<void> = Promise.resolve();
  transport.onmessage = (message, extra) => {
    tail = tail.then(() => {
      try {
        deliver.call(transport, message, extra);
      } catch (error) {
        transport.onerror?.(error instanceof Error ? error : new Error(String(error)));
      }
    });
  };
}
