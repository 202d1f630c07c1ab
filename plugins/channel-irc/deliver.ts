/**
 * Writes one chunk's PRIVMSG lines (paced) and confirms them: IRC has no delivery receipt, but
 * a server answers a connection's commands in order, so a PONG to our own PING after the lines
 * means each was processed, and a refusal for our target before it (401 no such nick, 404
 * cannot send to channel, ...) means the chunk did not arrive. Both become `ChannelSendError`s
 * the channels service understands: retryable (the nick may be back after a reconnect, the
 * channel rejoined) so the outbound queue tries again with backoff.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from 'irc-framework';
import { ChannelSendError } from '../../sdk/channels/index.ts';
import { ircEquals } from './casemap.ts';
import type { Pacer } from './pacer.ts';

/** irc-framework `irc error` kinds that mean "this PRIVMSG was not delivered". */
const REFUSALS = new Set(['no_such_nick', 'cannot_send_to_channel', 'cannot_send_to_user']);
export const CONFIRM_TIMEOUT_MS = 30_000;

let sequence = 0;

/**
 * Whether a raw server line is the PONG to our PING `token`. Servers answer `PONG <server> :<token>`
 * or just `PONG :<token>` (tags and prefix optional): matched on the whole line, so a PRIVMSG
 * whose text says "PONG <token>" is not one.
 */
export function pongMatcher(token: string): (line: string) => boolean {
  const pattern = new RegExp(`^(?:@\\S+ +)?(?::\\S+ +)?PONG +(?:\\S+ +)?:?${token.replace(/[^\w-]/g, '\\$&')}$`, 'i');
  return (line) => pattern.test(line.trimEnd());
}

export interface DeliverOptions {
  client: Client;
  target: string;
  lines: readonly string[];
  pacer: Pacer;
  /** Still the live, registered connection? Checked before every line. */
  alive(): boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** The server did not answer the PING in time: the link is likely dead (called before the error is thrown). */
  onTimeout?(): void;
}

export async function deliver(options: DeliverOptions): Promise<void> {
  const { client, target, lines, pacer } = options;
  const token = `moltbot-${++sequence}-${randomBytes(6).toString('hex')}`;
  const isOurPong = pongMatcher(token);
  let refusal: { error: string; reason?: string } | undefined;
  let settle: ((error?: ChannelSendError) => void) | undefined;
  const onError = (event: { error?: string; nick?: string; channel?: string; reason?: string }) => {
    const about = event.nick ?? event.channel;
    if (refusal || !REFUSALS.has(event.error ?? '') || about === undefined || !ircEquals(about, target)) return;
    refusal = { error: event.error!, ...(event.reason ? { reason: event.reason } : {}) };
  };
  const onPong = (event: { line: string; from_server: boolean }) => {
    if (event.from_server && isOurPong(event.line)) settle?.();
  };
  const onClose = () => settle?.(lost());
  const lost = () => new ChannelSendError('IRC connection lost while sending', { retryable: true });
  client.on('irc error', onError);
  client.on('raw', onPong);
  client.on('close', onClose);
  try {
    for (const line of lines) {
      await pacer.take(options.signal);
      if (!options.alive()) throw lost();
      await new Promise<void>((resolve) => client.connection.write(`PRIVMSG ${target} :${line}`, resolve));
    }
    await pacer.take(options.signal); // the PING counts against the server's flood limit too
    if (!options.alive()) throw lost();
    const confirmed = new Promise<ChannelSendError | undefined>((resolve) => {
      const timeoutMs = options.timeoutMs ?? CONFIRM_TIMEOUT_MS;
      const timer = setTimeout(() => {
        options.onTimeout?.();
        resolve(new ChannelSendError(`IRC server did not confirm the message within ${timeoutMs} ms`, { retryable: true }));
      }, timeoutMs);
      settle = (error) => { clearTimeout(timer); resolve(error); };
    });
    client.connection.write(`PING :${token}`);
    const error = await confirmed;
    if (error) throw error;
    if (refusal) {
      throw new ChannelSendError(`IRC server refused the message to ${target}: ${refusal.reason ?? refusal.error}`, { retryable: true });
    }
  } finally {
    client.off('irc error', onError);
    client.off('raw', onPong);
    client.off('close', onClose);
  }
}
