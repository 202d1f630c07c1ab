/**
 * The IRC `ChannelAdapter` (irc-framework). One connection at a time; its own reconnect loop
 * with `host.backoff()` (irc-framework's gives up after 3 tries); `connected` is reported once
 * the configured channels are joined, so queued replies to a channel are not refused by the
 * server's "no external messages" mode; the nick in use → alternates; outbound lines paced.
 */
import type { Client, IrcConnectOptions, IrcMessageEvent } from 'irc-framework';
import { ChannelSendError, type Backoff, type ChannelAdapter, type ChannelHost, type ChannelTarget } from '../../sdk/channels/index.ts';
import { ircEquals, ircLower, isChannelName } from './casemap.ts';
import { deliver } from './deliver.ts';
import { normalizePrivmsg } from './inbound.ts';
import { safeCharacters, textBudget, toLines } from './lines.ts';
import { alternateNick } from './nicks.ts';
import { Pacer } from './pacer.ts';
import type { IrcOptions } from './options.ts';

/** How long `connected` waits for the configured channels to be joined before reporting anyway. */
const JOIN_WAIT_MS = 10_000;
/** A connection that stays up this long resets the reconnect backoff (a ban right after registration keeps growing it). */
const STABLE_AFTER_MS = 30_000;
/** Kicked from a configured channel: join it again after this long. */
export const REJOIN_AFTER_KICK_MS = 1000;
/** A target PRIVMSG can take: no spaces, commas, control characters. */
const TARGET = /^[^\s,\x00-\x1f]+$/;
/** irc-framework `irc error` kinds that end a JOIN attempt. */
const JOIN_ERRORS = new Set(['too_many_channels', 'channel_is_full', 'invite_only_channel', 'banned_from_channel', 'bad_channel_key']);

/** irc-framework costs 100–300 ms to import: loaded on the first connect, off the start-up path. */
let ircFramework: Promise<typeof import('irc-framework')> | undefined;
const loadIrcFramework = () => (ircFramework ??= import('irc-framework'));

export class IrcAdapter implements ChannelAdapter {
  readonly id: string;
  readonly maxMessageLength: number;
  readonly #options: IrcOptions;
  readonly #channels: { name: string; key?: string }[];
  readonly #pacer: Pacer;
  #host: ChannelHost | undefined;
  #client: Client | undefined;
  #backoff: Backoff | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #joinTimer: NodeJS.Timeout | undefined;
  #reclaimTimer: NodeJS.Timeout | undefined;
  #stableTimer: NodeJS.Timeout | undefined;
  #registered = false;
  #stopped = true;
  #nickAttempt = 0;
  #lastError: Error | undefined;
  /** Configured channels (folded) not yet joined on this connection. */
  #pendingJoins = new Set<string>();

  constructor(id: string, options: IrcOptions) {
    this.id = id;
    this.#options = options;
    this.#channels = (options.channels ?? []).map((entry) => {
      const [name, key] = entry.trim().split(/\s+/, 2) as [string, string?];
      return key ? { name, key } : { name };
    });
    this.#pacer = new Pacer({ burst: options.flood?.burst ?? 4, intervalMs: options.flood?.intervalMs ?? 1000 });
    this.maxMessageLength = safeCharacters(options.nick, this.#username, this.#channels.map((c) => c.name));
  }

  get #username(): string {
    return this.#options.username ?? this.#options.nick;
  }

  /** The nick the server knows us by right now (the configured one until registered). */
  get nick(): string {
    return this.#client?.user.nick ?? this.#options.nick;
  }

  normalizeId(id: string): string {
    return ircLower(id.trim());
  }

  async start(host: ChannelHost): Promise<void> {
    this.#host = host;
    this.#stopped = false;
    this.#backoff = host.backoff({ baseMs: this.#options.reconnect?.baseMs ?? 1000, maxMs: this.#options.reconnect?.maxMs ?? 60_000 });
    host.signal.addEventListener('abort', () => void this.stop(), { once: true });
    this.#connect();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#joinTimer);
    clearInterval(this.#reclaimTimer);
    clearTimeout(this.#stableTimer);
    const client = this.#client;
    this.#client = undefined;
    this.#registered = false;
    if (!client) return;
    if (client.connected) {
      const closed = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2000);
        client.once('close', () => { clearTimeout(timer); resolve(); });
      });
      client.quit(this.#options.quitMessage ?? 'moltbot stopping');
      await closed;
    } else {
      client.connection.end(); // still connecting: drop the socket
    }
    client.removeAllListeners();
  }

  #connect(): void {
    const host = this.#host!;
    if (this.#stopped) return;
    host.setState('connecting');
    loadIrcFramework().then(({ Client }) => this.#open(new Client()), (error: unknown) => {
      host.log.error({ err: error }, 'irc-framework failed to load');
      host.setState('degraded', error);
    });
  }

  #open(client: Client): void {
    const host = this.#host!;
    if (this.#stopped) return;
    this.#nickAttempt = 0;
    this.#lastError = undefined;
    this.#client = client;
    const options: IrcConnectOptions = {
      host: this.#options.host,
      port: this.#options.port ?? (this.#options.tls ? 6697 : 6667),
      nick: this.#options.nick,
      username: this.#username,
      gecos: this.#options.realname ?? 'Moltbot',
      tls: this.#options.tls ?? false,
      rejectUnauthorized: this.#options.tlsRejectUnauthorized ?? true,
      encoding: 'utf8',
      version: null,
      auto_reconnect: false,
    };
    if (this.#options.password) options.password = this.#options.password;
    const current = () => this.#client === client && !this.#stopped;

    client.on('registered', (event) => { if (current()) this.#onRegistered(client, event.nick); });
    client.on('nick in use', (event) => { if (current()) this.#onNickRefused(client, 'in use', event.nick); });
    client.on('nick invalid', (event) => { if (current()) this.#onNickRefused(client, 'invalid', event.nick); });
    client.on('join', (event) => { if (current() && ircEquals(event.nick, client.user.nick)) this.#onJoined(event.channel); });
    client.on('irc error', (event: { error?: string; channel?: string; reason?: string }) => {
      if (!current()) return;
      host.log.warn({ channel: event.channel, error: event.error, reason: event.reason }, 'IRC server refused a command');
      if (event.error === 'password_mismatch') this.#lastError = new Error('the IRC server refused the server password');
      // ERROR: the server's last word before it closes the link ("Access denied: Bad password?", "Closing link ...").
      if (event.error === 'irc') this.#lastError = new Error(`IRC server closed the link: ${event.reason ?? 'no reason given'}`);
      if (event.channel && JOIN_ERRORS.has(event.error ?? '')) this.#onJoined(event.channel);
    });
    client.on('privmsg', (event: IrcMessageEvent) => { if (current()) this.#onPrivmsg(client, event); });
    client.on('kick', (event: { kicked: string; nick: string; channel: string; message?: string }) => {
      if (!current() || !ircEquals(event.kicked, client.user.nick)) return;
      const channel = this.#channels.find((c) => ircEquals(c.name, event.channel));
      host.log.warn({ channel: event.channel, by: event.nick, reason: event.message, rejoin: channel !== undefined }, 'IRC bot kicked from a channel');
      if (channel) setTimeout(() => { if (current() && this.#registered) client.join(channel.name, channel.key); }, REJOIN_AFTER_KICK_MS).unref();
    });
    // The transport hands its last socket error (refused, TLS verification, reset) to "socket close".
    client.on('socket close', (error?: unknown) => { if (current() && error instanceof Error) this.#lastError ??= error; });
    client.on('close', () => {
      client.removeAllListeners();
      if (current()) this.#onClosed();
    });
    client.connect(options);
  }

  /** `nick`: the one the server registered us with (irc-framework updates `client.user` after this event). */
  #onRegistered(client: Client, nick: string): void {
    const host = this.#host!;
    this.#registered = true;
    const backoff = this.#backoff!;
    this.#stableTimer = setTimeout(() => backoff.reset(), STABLE_AFTER_MS);
    this.#stableTimer.unref();
    host.log.info({ nick, server: this.#options.host }, 'IRC registered');
    this.#reclaimNick(client, nick);
    if (this.#options.nickservPassword) client.connection.write(`PRIVMSG NickServ :IDENTIFY ${this.#options.nickservPassword}`);
    this.#pendingJoins = new Set(this.#channels.map((channel) => ircLower(channel.name)));
    for (const channel of this.#channels) client.join(channel.name, channel.key);
    if (this.#pendingJoins.size === 0) {
      host.setState('connected');
      return;
    }
    this.#joinTimer = setTimeout(() => {
      if (this.#client !== client || !this.#registered) return;
      host.log.warn({ channels: [...this.#pendingJoins] }, 'IRC channels not joined in time; reporting connected anyway');
      this.#pendingJoins.clear();
      host.setState('connected');
    }, JOIN_WAIT_MS);
  }

  /** On an alternate nick: ask for ours back now and then, until the server gives it. */
  #reclaimNick(client: Client, nick: string): void {
    clearInterval(this.#reclaimTimer);
    const wanted = this.#options.nick;
    const every = this.#options.nickReclaimMs ?? 60_000;
    if (ircEquals(nick, wanted) || every === 0) return;
    this.#reclaimTimer = setInterval(() => {
      if (this.#client !== client || !this.#registered || ircEquals(client.user.nick, wanted)) {
        clearInterval(this.#reclaimTimer);
        return;
      }
      client.changeNick(wanted);
    }, every);
    this.#reclaimTimer.unref();
  }

  #onJoined(channel: string): void {
    if (!this.#pendingJoins.delete(ircLower(channel)) || this.#pendingJoins.size > 0) return;
    clearTimeout(this.#joinTimer);
    this.#host!.setState('connected');
  }

  #onNickRefused(client: Client, why: string, nick: string): void {
    if (this.#registered) {
      this.#host!.log.debug({ nick, why }, 'IRC nick change refused');
      return;
    }
    const next = alternateNick(this.#options.nick, this.#options.altNicks ?? [], ++this.#nickAttempt);
    if (next === undefined) {
      this.#lastError = new Error(`every nick was refused (last: ${nick} is ${why})`);
      client.quit('no usable nick');
      return;
    }
    this.#host!.log.warn({ nick, why, next }, 'IRC nick refused, trying an alternate');
    client.changeNick(next);
  }

  #onPrivmsg(client: Client, event: IrcMessageEvent): void {
    const host = this.#host!;
    const message = normalizePrivmsg(event, client.user.nick, client.network.options['CHANTYPES']);
    if (!message) return;
    // Channel names are case-insensitive: one spelling per room (the configured one) for policy and sessions.
    if (message.chatType === 'group') message.chatId = this.#channelId(message.chatId);
    host.receive(message).catch((error: unknown) => host.log.error({ err: error, sender: message.sender }, 'IRC inbound message failed'));
  }

  #channelId(name: string): string {
    return this.#channels.find((channel) => ircEquals(channel.name, name))?.name ?? ircLower(name);
  }

  #onClosed(): void {
    const host = this.#host!;
    const wasRegistered = this.#registered;
    this.#registered = false;
    clearTimeout(this.#joinTimer);
    clearInterval(this.#reclaimTimer);
    clearTimeout(this.#stableTimer);
    const error = this.#lastError ?? new Error(wasRegistered ? 'IRC connection closed by the server' : 'IRC connection failed before registration');
    const delay = this.#backoff!.next();
    host.log.warn({ err: error, retryInMs: delay }, 'IRC disconnected; reconnecting');
    host.setState('degraded', error);
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  async send(target: ChannelTarget, text: string): Promise<{ messageId?: string }> {
    const to = target.chatId;
    if (!TARGET.test(to) || (target.chatType === 'group') !== isChannelName(to)) {
      throw new ChannelSendError(`IRC cannot send to "${to}" as a ${target.chatType}`, { retryable: false });
    }
    const client = this.#client;
    if (!client || !this.#registered) throw new ChannelSendError('IRC is not connected', { retryable: true });
    const lines = toLines(text, textBudget({ nick: client.user.nick, username: `~${this.#username}`, host: client.user.host || undefined }, to));
    await deliver({
      client, target: to, lines, pacer: this.#pacer,
      alive: () => this.#client === client && this.#registered,
      ...(this.#host ? { signal: this.#host.signal } : {}),
      ...(this.#options.confirmTimeoutMs ? { timeoutMs: this.#options.confirmTimeoutMs } : {}),
      // No PONG: the link is dead or the server hung. Drop it now rather than wait for the ping
      // timeout (minutes): the reconnect starts at once and the queue keeps the reply.
      onTimeout: () => {
        if (this.#client !== client) return;
        this.#lastError = new Error('IRC server stopped answering (no PONG to a delivery check)');
        client.connection.end(null, true);
      },
    });
    return {};
  }
}
