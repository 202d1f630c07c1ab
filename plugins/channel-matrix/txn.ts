/**
 * Transaction ids for `PUT /rooms/{roomId}/send/m.room.message/{txnId}`. The homeserver keeps
 * the event of each txnId (per access token) and answers a repeated txnId with it instead of
 * posting again, so a send whose answer was lost (connection cut after the server stored it,
 * a timeout) is retried with the SAME txnId and lands once.
 *
 * The channels service retries a failed chunk with the same (chat, text, replyTo) before any
 * later chunk of that chat (one FIFO, order kept), so a failed send's txnId is kept per chat
 * and reused when that same chunk comes back; any other chunk gets a fresh one. The prefix is
 * random per process: after a restart the counter starts again, and a reused id would make
 * the homeserver swallow a new message as a "retry" of an old one.
 */
import { randomBytes } from 'node:crypto';

export class TxnIds {
  readonly #prefix = `molt${randomBytes(6).toString('hex')}`;
  #counter = 0;
  readonly #failed = new Map<string, { key: string; txnId: string }>();

  /** The txnId to use for this chunk: the failed attempt's if this is its retry, else a new one. */
  next(chatId: string, key: string): string {
    const failed = this.#failed.get(chatId);
    if (failed !== undefined && failed.key === key) return failed.txnId;
    return `${this.#prefix}.${++this.#counter}`;
  }

  /** The send failed (maybe after the server stored it): keep the id for the retry. */
  failed(chatId: string, key: string, txnId: string): void {
    this.#failed.set(chatId, { key, txnId });
  }

  /** The send was accepted (or failed for good): nothing to retry in this chat. */
  settled(chatId: string): void {
    this.#failed.delete(chatId);
  }
}
