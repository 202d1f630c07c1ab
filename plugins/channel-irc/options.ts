/** `channels.irc`'s own keys (schemas/plugins/channel-irc.json) after defaults. */
export interface IrcOptions {
  host: string;
  port?: number;
  tls?: boolean;
  tlsRejectUnauthorized?: boolean;
  nick: string;
  altNicks?: string[];
  /** On an alternate nick, ask for `nick` again this often (ms; 0: never). */
  nickReclaimMs?: number;
  username?: string;
  realname?: string;
  /** Server password (secret). */
  password?: string;
  /** NickServ IDENTIFY password (secret). */
  nickservPassword?: string;
  channels?: string[];
  quitMessage?: string;
  /** How long a chunk waits for the server's PONG before the link counts as dead (ms). */
  confirmTimeoutMs?: number;
  flood?: { burst?: number; intervalMs?: number };
  reconnect?: { baseMs?: number; maxMs?: number };
}
