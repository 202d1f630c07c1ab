/**
 * The part of irc-framework 4 (plain JavaScript, no bundled types) that moltbot uses.
 * Shapes follow irc-framework's src/client.js, src/connection.js and src/commands/handlers/.
 */
declare module 'irc-framework' {
  export interface IrcConnectOptions {
    host: string;
    port: number;
    nick: string;
    username?: string;
    gecos?: string;
    password?: string;
    tls?: boolean;
    rejectUnauthorized?: boolean;
    encoding?: string;
    version?: string | null;
    auto_reconnect?: boolean;
    ping_interval?: number;
    ping_timeout?: number;
    message_max_length?: number;
  }

  export interface IrcMessageEvent {
    nick: string;
    ident?: string;
    hostname?: string;
    target: string;
    message: string;
    time?: number;
    tags?: Record<string, string>;
    from_server?: boolean;
  }

  export interface IrcNickEvent {
    nick: string;
    reason?: string;
  }

  export interface IrcRegisteredEvent {
    nick: string;
  }

  export interface IrcJoinEvent {
    nick: string;
    channel: string;
  }

  export interface IrcNetworkInfo {
    options: Record<string, string | undefined>;
    supports(feature: string): unknown;
  }

  export class Client {
    constructor(options?: Partial<IrcConnectOptions>);
    readonly connected: boolean;
    readonly user: { nick: string; username: string; host: string };
    readonly network: IrcNetworkInfo;
    readonly connection: {
      connected: boolean;
      write(line: string, callback?: () => void): boolean;
      end(line?: string | null, hadError?: boolean): void;
    };
    connect(options?: IrcConnectOptions): void;
    quit(message?: string): void;
    changeNick(nick: string): void;
    join(channel: string, key?: string): void;
    say(target: string, message: string): void;
    notice(target: string, message: string): void;
    raw(...args: (string | number)[]): void;
    on(event: 'registered' | 'connected', listener: (event: IrcRegisteredEvent) => void): this;
    on(event: 'privmsg' | 'notice' | 'action', listener: (event: IrcMessageEvent) => void): this;
    on(event: 'nick in use' | 'nick invalid', listener: (event: IrcNickEvent) => void): this;
    on(event: 'join' | 'part', listener: (event: IrcJoinEvent) => void): this;
    on(event: 'close' | 'socket close', listener: (error?: unknown) => void): this;
    on(event: string, listener: (...args: any[]) => void): this;
    once(event: string, listener: (...args: any[]) => void): this;
    off(event: string, listener: (...args: any[]) => void): this;
    removeAllListeners(event?: string): this;
  }
}
