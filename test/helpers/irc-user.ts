/**
 * A human on IRC for tests: a real irc-framework client that registers with a nick, joins
 * channels, talks, and records every PRIVMSG/NOTICE it receives, in order.
 */
import { Client, type IrcMessageEvent } from 'irc-framework';
import { onTestFinished } from 'vitest';

export interface Received {
  type: 'privmsg' | 'notice' | 'join';
  from: string;
  target: string;
  text: string;
}

export interface IrcUser {
  readonly nick: string;
  readonly received: Received[];
  /** Connects (again, after a server restart) and resolves once registered. */
  connect(): Promise<void>;
  join(channel: string): Promise<void>;
  say(target: string, text: string): void;
  /** Sends a raw line (NOTICE, CTCP, ...). */
  raw(line: string): void;
  /** Resolves with the first received message (from index `from` on) matching, else rejects after `timeoutMs`. */
  waitFor(match: (message: Received) => boolean, options?: { from?: number; timeoutMs?: number }): Promise<Received>;
  /** Resolves once `count` messages matching have arrived (from index `from` on). */
  waitForCount(match: (message: Received) => boolean, count: number, options?: { from?: number; timeoutMs?: number }): Promise<Received[]>;
  quit(): Promise<void>;
}

export function ircUser(server: { host: string; port: number; password?: string }, nick: string): IrcUser {
  const received: Received[] = [];
  const waiters = new Set<() => void>();
  let client: Client | undefined;
  const notify = () => { for (const waiter of [...waiters]) waiter(); };

  const waitForCount = (match: (message: Received) => boolean, count: number, options: { from?: number; timeoutMs?: number } = {}): Promise<Received[]> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = received.slice(options.from ?? 0).filter(match);
        if (found.length < count) return;
        cleanup();
        resolve(found.slice(0, count));
      };
      const timeoutMs = options.timeoutMs ?? 10_000;
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${nick}: waited ${timeoutMs} ms for ${count} matching message(s); received:\n${received.map((m) => `${m.type} ${m.from}→${m.target}: ${m.text}`).join('\n')}`));
      }, timeoutMs);
      const cleanup = () => { clearTimeout(timer); waiters.delete(check); };
      waiters.add(check);
      check();
    });

  const user: IrcUser = {
    nick,
    received,
    connect: () => new Promise((resolve, reject) => {
      client?.removeAllListeners();
      const next = new Client();
      client = next;
      const record = (type: Received['type']) => (event: IrcMessageEvent) => {
        received.push({ type, from: event.nick, target: event.target, text: event.message });
        notify();
      };
      next.on('privmsg', record('privmsg'));
      next.on('notice', record('notice'));
      next.on('join', (event: { nick: string; channel: string }) => {
        received.push({ type: 'join', from: event.nick, target: event.channel, text: '' });
        notify();
      });
      next.once('registered', () => resolve());
      next.once('close', () => reject(new Error(`${nick}: connection closed before registration`)));
      next.connect({ host: server.host, port: server.port, nick, username: nick, gecos: nick, auto_reconnect: false, version: null, ...(server.password ? { password: server.password } : {}) });
    }),
    join: (channel) => new Promise((resolve) => {
      const onJoin = (event: { nick: string; channel: string }) => {
        if (event.nick !== client!.user.nick || event.channel.toLowerCase() !== channel.toLowerCase()) return;
        client!.off('join', onJoin);
        resolve();
      };
      client!.on('join', onJoin);
      client!.join(channel);
    }),
    say: (target, text) => client!.say(target, text),
    raw: (line) => { client!.connection.write(line); },
    waitFor: async (match, options) => (await waitForCount(match, 1, options))[0]!,
    waitForCount,
    quit: () => new Promise((resolve) => {
      const current = client;
      client = undefined;
      if (!current?.connected) { current?.removeAllListeners(); resolve(); return; }
      const timer = setTimeout(resolve, 1000);
      current.once('close', () => { clearTimeout(timer); resolve(); });
      current.quit('bye');
    }),
  };
  onTestFinished(() => user.quit());
  return user;
}
