/**
 * The IRC adapter against a real ngIRCd and a real human client, with a recording
 * `ChannelHost` (what the channels service hands an adapter): normalisation, mention gating
 * input, line splitting within 512 bytes, nick in use, server password, reconnect + rejoin.
 */
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ChannelHost, ChannelInbound, ChannelState } from '../../../sdk/channels/contract.ts';
import { IrcAdapter } from '../../../plugins/channel-irc/adapter.ts';
import type { IrcOptions } from '../../../plugins/channel-irc/options.ts';
import { textBudget, toLines } from '../../../plugins/channel-irc/lines.ts';
import { createLogger } from '../../../core/log.ts';
import { FileSeenStore } from '../../../plugins/channels/seen-store.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { startNgircd, type Ngircd } from '../../helpers/ngircd.ts';
import { ircUser } from '../../helpers/irc-user.ts';

let server: Ngircd;
beforeAll(async () => { server = await startNgircd(); });
afterAll(async () => { await server?.stop(); });

interface Recorder {
  host: ChannelHost;
  inbound: ChannelInbound[];
  states: { state: ChannelState; error?: string }[];
  logs: string[];
  /** Resolves when the adapter reports `state` (counting from index `from`). */
  reaches(state: ChannelState, from?: number): Promise<void>;
  received(count: number): Promise<ChannelInbound[]>;
}

function recorder(): Recorder {
  const inbound: ChannelInbound[] = [];
  const states: Recorder['states'] = [];
  const logs: string[] = [];
  const waiters = new Set<() => void>();
  const controller = new AbortController();
  onTestFinished(() => controller.abort());
  const wake = () => { for (const waiter of [...waiters]) waiter(); };
  const until = (ready: () => boolean, what: string) => new Promise<void>((resolve, reject) => {
    const check = () => { if (ready()) { waiters.delete(check); clearTimeout(timer); resolve(); } };
    const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`timed out waiting for ${what}; states ${JSON.stringify(states)}`)); }, 15_000);
    waiters.add(check);
    check();
  });
  const host: ChannelHost = {
    settings: { enabled: true, dmPolicy: 'open', allowFrom: ['*'], groupPolicy: 'open', groupAllowFrom: [], requireMention: true, owners: [], ownerSession: 'dm' },
    log: createLogger({ level: 'debug', destination: { write: (line: string) => { logs.push(line); } } }),
    signal: controller.signal,
    receive: async (message) => { inbound.push(message); wake(); return { status: 'dropped', reason: 'recorded' }; },
    setState: (state, error) => { states.push({ state, ...(error ? { error: String((error as Error).message ?? error) } : {}) }); wake(); },
    backoff: () => ({ next: () => 100, reset: () => undefined }),
    seen: new FileSeenStore(join(useTempDir().dir, 'seen.jsonl')),
  };
  return {
    host, inbound, states, logs,
    reaches: (state, from = 0) => until(() => states.slice(from).some((s) => s.state === state), `state ${state}`),
    received: async (count) => { await until(() => inbound.length >= count, `${count} inbound message(s)`); return inbound.slice(0, count); },
  };
}

async function startAdapter(options: Partial<IrcOptions> = {}) {
  const adapter = new IrcAdapter('irc', { host: server.host, port: server.port, nick: 'moltbot', channels: ['#lobby'], flood: { burst: 20, intervalMs: 10 }, ...options });
  const rec = recorder();
  onTestFinished(() => adapter.stop());
  await adapter.start(rec.host);
  return { adapter, rec };
}

describe('channel-irc adapter against ngIRCd', () => {
  it('turns DMs and channel messages into inbound messages; NOTICE and CTCP are ignored', async () => {
    const alice = ircUser(server, 'alice');
    await alice.connect();
    await alice.join('#lobby');
    const { rec } = await startAdapter();
    await rec.reaches('connected');

    alice.raw('NOTICE moltbot :a notice is not a message');
    alice.raw('PRIVMSG moltbot :\x01VERSION\x01');
    alice.raw('PRIVMSG #lobby :\x01ACTION waves at moltbot\x01');
    alice.say('moltbot', 'hello \x02there\x02');
    alice.say('#lobby', 'just chatting');
    alice.say('#lobby', 'MoltBot: what time is it?');
    alice.say('#lobby', 'is moltbot awake');
    const got = await rec.received(4);
    expect(got.map(({ sender, chatType, chatId, text, mentioned }) => ({ sender, chatType, chatId, text, mentioned }))).toEqual([
      { sender: 'alice', chatType: 'dm', chatId: 'alice', text: 'hello there', mentioned: undefined },
      { sender: 'alice', chatType: 'group', chatId: '#lobby', text: 'just chatting', mentioned: false },
      { sender: 'alice', chatType: 'group', chatId: '#lobby', text: 'what time is it?', mentioned: true },
      { sender: 'alice', chatType: 'group', chatId: '#lobby', text: 'is moltbot awake', mentioned: true },
    ]);
  });

  it('sends each text line as its own PRIVMSG and cuts an over-long line on character boundaries, nothing lost', async () => {
    const bob = ircUser(server, 'bob');
    await bob.connect();
    await bob.join('#lobby');
    const { adapter, rec } = await startAdapter();
    await rec.reaches('connected');

    await adapter.send({ chatType: 'dm', chatId: 'bob' }, 'first line\n\nsecond line\r\nthird');
    const dm = await bob.waitForCount((m) => m.from === 'moltbot' && m.target === 'bob', 3);
    expect(dm.map((m) => m.text)).toEqual(['first line', 'second line', 'third']);

    // 400 three-byte characters and 200 four-byte ones: far past one line's byte budget.
    const long = `${'日本語'.repeat(134)} ${'🦀'.repeat(200)}`;
    const from = bob.received.length;
    await adapter.send({ chatType: 'group', chatId: '#lobby' }, long);
    const expected = toLines(long, textBudget({ nick: 'moltbot', username: '~moltbot' }, '#lobby'));
    expect(expected.length).toBeGreaterThan(3);
    const lines = await bob.waitForCount((m) => m.from === 'moltbot' && m.target === '#lobby', expected.length, { from });
    expect(lines.map((m) => m.text)).toEqual(expected);
    expect(lines.map((m) => m.text).join('').replace(/ /g, '')).toBe(long.replace(/ /g, ''));
    for (const line of lines) expect(Buffer.byteLength(`:moltbot!~moltbot@127.0.0.1 PRIVMSG #lobby :${line.text}\r\n`)).toBeLessThanOrEqual(512);
    // Every chunk the channels service cuts at maxMessageLength fits one line whatever its characters.
    expect(Buffer.byteLength('🦀'.repeat(adapter.maxMessageLength / 2))).toBeLessThanOrEqual(400);
    expect(Buffer.byteLength('語'.repeat(adapter.maxMessageLength))).toBeLessThanOrEqual(400);
  });

  it('a reply cannot inject IRC commands: CR, LF and NUL only ever split or vanish inside PRIVMSG text', async () => {
    const gina = ircUser(server, 'gina');
    await gina.connect();
    const { adapter, rec } = await startAdapter({ channels: [] });
    await rec.reaches('connected');
    await adapter.send({ chatType: 'dm', chatId: 'gina' }, 'before\r\nQUIT :injected\rJOIN #evil\nNICK evil\0bot\nafter');
    const lines = await gina.waitForCount((m) => m.from === 'moltbot', 5);
    expect(lines.map((m) => m.text)).toEqual(['before', 'QUIT :injected', 'JOIN #evil', 'NICK evilbot', 'after']);
    expect(adapter.nick).toBe('moltbot');
    await adapter.send({ chatType: 'dm', chatId: 'gina' }, 'still connected');
    await gina.waitFor((m) => m.from === 'moltbot' && m.text === 'still connected');
    expect(rec.states.map((s) => s.state)).toEqual(['connecting', 'connected']);
  });

  it('refuses to send while disconnected (retryable) and to a malformed target (not retryable)', async () => {
    const adapter = new IrcAdapter('irc', { host: server.host, port: server.port, nick: 'moltbot' });
    await expect(adapter.send({ chatType: 'dm', chatId: 'bob' }, 'hi')).rejects.toMatchObject({ name: 'ChannelSendError', retryable: true });
    await expect(adapter.send({ chatType: 'group', chatId: 'bob' }, 'hi')).rejects.toMatchObject({ retryable: false });
    await expect(adapter.send({ chatType: 'dm', chatId: 'bob QUIT' }, 'hi')).rejects.toMatchObject({ retryable: false });
  });

  it('confirms each chunk with a PING round trip: a nick that is not on IRC is a retryable refusal, not a silent loss', async () => {
    const { adapter, rec } = await startAdapter({ channels: [] });
    await rec.reaches('connected');
    await expect(adapter.send({ chatType: 'dm', chatId: 'nobody-here' }, 'hello?')).rejects.toMatchObject({
      name: 'ChannelSendError', retryable: true, message: expect.stringMatching(/refused the message to nobody-here: No such nick/i),
    });
    await expect(adapter.send({ chatType: 'group', chatId: '#not-joined' }, 'hello?')).rejects.toMatchObject({ retryable: true });
    const dave = ircUser(server, 'dave');
    await dave.connect();
    await expect(adapter.send({ chatType: 'dm', chatId: 'DAVE' }, 'now you are here')).resolves.toEqual({});
    await dave.waitFor((m) => m.from === 'moltbot' && m.text === 'now you are here');
  });

  it('identifies to NickServ after registration; the password never reaches the log', async () => {
    const nickserv = ircUser(server, 'NickServ'); // ngIRCd has no services: a client plays NickServ
    await nickserv.connect();
    const { rec } = await startAdapter({ channels: [], nick: 'identbot', nickservPassword: 'ns-canary-31337' });
    await rec.reaches('connected');
    const identify = await nickserv.waitFor((m) => m.from === 'identbot');
    expect(identify).toMatchObject({ type: 'privmsg', target: 'NickServ', text: 'IDENTIFY ns-canary-31337' });
    expect(rec.logs.join('\n')).not.toContain('ns-canary-31337');
    expect(rec.logs.length).toBeGreaterThan(0);
  });

  it('takes an alternate nick when its nick is in use and answers mentions of the nick it has', async () => {
    const squatter = ircUser(server, 'moltbot');
    await squatter.connect();
    await squatter.join('#lobby');
    const { adapter, rec } = await startAdapter();
    await rec.reaches('connected');
    expect(adapter.nick).toBe('moltbot_');
    squatter.say('#lobby', 'moltbot_, are you the bot?');
    squatter.say('moltbot_', 'direct');
    const got = await rec.received(2);
    expect(got.map((m) => [m.chatType, m.text, m.mentioned])).toEqual([['group', 'are you the bot?', true], ['dm', 'direct', undefined]]);
  });

  it('gets its nick back once it is free, and rejoins a configured channel it was kicked from', async () => {
    const squatter = ircUser(server, 'moltbot');
    await squatter.connect();
    await squatter.join('#ops'); // first in: channel operator
    const { adapter, rec } = await startAdapter({ channels: ['#ops'], nickReclaimMs: 100 });
    await rec.reaches('connected');
    expect(adapter.nick).toBe('moltbot_');
    squatter.raw('KICK #ops moltbot_ :out you go');
    await squatter.waitForCount((m) => m.type === 'join' && m.from === 'moltbot_' && m.target === '#ops', 2);
    await squatter.quit();
    const frank = ircUser(server, 'frank');
    await frank.connect();
    const deadline = Date.now() + 10_000;
    while (adapter.nick !== 'moltbot' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(adapter.nick).toBe('moltbot');
    frank.say('moltbot', 'is it really you?');
    expect((await rec.received(1))[0]).toMatchObject({ chatType: 'dm', sender: 'frank', text: 'is it really you?' });
  });

  it('reconnects after the server is killed and restarted on the same port, and rejoins its channels', async () => {
    const { adapter, rec } = await startAdapter();
    await rec.reaches('connected');
    const before = rec.states.length;
    await server.kill();
    await rec.reaches('degraded', before);
    await expect(adapter.send({ chatType: 'group', chatId: '#lobby' }, 'lost?')).rejects.toMatchObject({ retryable: true });
    await server.start();
    await rec.reaches('connected', before);
    const carol = ircUser(server, 'carol');
    await carol.connect();
    await carol.join('#lobby');
    await adapter.send({ chatType: 'group', chatId: '#lobby' }, 'back in the room');
    await carol.waitFor((m) => m.from === 'moltbot' && m.target === '#lobby' && m.text === 'back in the room');
    expect(rec.states.slice(before).map((s) => s.state)).toEqual(expect.arrayContaining(['degraded', 'connecting', 'connected']));
  });
});

/** A scripted TCP "IRC server" for misbehaviour ngIRCd cannot be made to show; `onData` answers each chunk a client sends. */
async function scriptedServer(onData: (socket: Socket, data: string) => void): Promise<{ port: number; connections: () => number }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => onData(socket, data));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => { for (const socket of sockets) socket.destroy(); server.close(() => resolve()); }));
  return { port: (server.address() as { port: number }).port, connections: () => connections };
}

async function eventually(ready: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!ready() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('channel-irc adapter against misbehaving servers', () => {
  it('keeps growing the reconnect backoff when the server drops it right after registration (no reconnect storm)', async () => {
    const hostile = await scriptedServer((socket, data) => {
      if (data.includes('USER ')) socket.end(':hostile.test 001 moltbot :Welcome\r\nERROR :Closing Link: banned\r\n');
    });
    const rec = recorder();
    let resets = 0;
    let delays = 0;
    const host = { ...rec.host, backoff: () => ({ next: () => { delays++; return 20; }, reset: () => { resets++; } }) };
    const adapter = new IrcAdapter('irc', { host: '127.0.0.1', port: hostile.port, nick: 'moltbot' });
    onTestFinished(() => adapter.stop());
    await adapter.start(host);
    await eventually(() => delays >= 3);
    expect(delays).toBeGreaterThanOrEqual(3);
    expect(resets).toBe(0);
    expect(rec.states.filter((s) => s.state === 'degraded').at(-1)!.error).toBe('IRC server closed the link: Closing Link: banned');
  });

  it('a server that stops answering: the unconfirmed chunk fails retryable, the link is dropped and redialled at once', async () => {
    const silent = await scriptedServer((socket, data) => {
      if (data.includes('USER ')) socket.write(':silent.test 001 moltbot :Welcome\r\n'); // then never a PONG
    });
    const rec = recorder();
    const adapter = new IrcAdapter('irc', { host: '127.0.0.1', port: silent.port, nick: 'moltbot', confirmTimeoutMs: 1000, flood: { burst: 10, intervalMs: 10 } });
    onTestFinished(() => adapter.stop());
    await adapter.start(rec.host);
    await rec.reaches('connected');
    await expect(adapter.send({ chatType: 'dm', chatId: 'alice' }, 'are you there?')).rejects.toMatchObject({
      name: 'ChannelSendError', retryable: true, message: expect.stringMatching(/did not confirm/),
    });
    await rec.reaches('degraded');
    expect(rec.states.find((s) => s.state === 'degraded')!.error).toMatch(/stopped answering/);
    await eventually(() => silent.connections() >= 2);
    expect(silent.connections()).toBeGreaterThanOrEqual(2);
  });
});

describe('channel-irc adapter with a server password', () => {
  it('registers with the right password; a wrong one degrades with a clear error and never reaches the log', async () => {
    const guarded = await startNgircd({ password: 'letmein-9f3k' });
    onTestFinished(() => guarded.stop());
    const good = new IrcAdapter('irc', { host: guarded.host, port: guarded.port, nick: 'goodbot', password: 'letmein-9f3k' });
    const goodRec = recorder();
    onTestFinished(() => good.stop());
    await good.start(goodRec.host);
    await goodRec.reaches('connected');

    const bad = new IrcAdapter('irc', { host: guarded.host, port: guarded.port, nick: 'badbot', password: 'wrong-secret-77x', nickservPassword: 'ns-secret-55y' });
    const badRec = recorder();
    onTestFinished(() => bad.stop());
    await bad.start(badRec.host);
    await badRec.reaches('degraded');
    expect(badRec.states.find((s) => s.state === 'degraded')!.error).toBe('IRC server closed the link: Access denied: Bad password?');
    expect(badRec.states.some((s) => s.state === 'connected')).toBe(false);
    for (const line of [...goodRec.logs, ...badRec.logs]) {
      expect(line).not.toContain('letmein-9f3k');
      expect(line).not.toContain('wrong-secret-77x');
    }
  });
});

describe('channel-irc adapter over TLS', () => {
  it('connects with tls; a self-signed certificate is refused unless tlsRejectUnauthorized is false', async () => {
    const secure = await startNgircd({ tls: true });
    onTestFinished(() => secure.stop());
    const strict = new IrcAdapter('irc', { host: secure.host, port: secure.tlsPort!, tls: true, nick: 'strictbot' });
    const strictRec = recorder();
    onTestFinished(() => strict.stop());
    await strict.start(strictRec.host);
    await strictRec.reaches('degraded');
    expect(strictRec.states.find((s) => s.state === 'degraded')!.error).toMatch(/self-signed certificate/);

    const lax = new IrcAdapter('irc', { host: secure.host, port: secure.tlsPort!, tls: true, tlsRejectUnauthorized: false, nick: 'laxbot', channels: ['#tls'] });
    const laxRec = recorder();
    onTestFinished(() => lax.stop());
    await lax.start(laxRec.host);
    await laxRec.reaches('connected');
    const erin = ircUser({ host: secure.host, port: secure.port }, 'erin');
    await erin.connect();
    await lax.send({ chatType: 'dm', chatId: 'erin' }, 'over TLS: ünïcödé ✓');
    await erin.waitFor((m) => m.from === 'laxbot' && m.text === 'over TLS: ünïcödé ✓');
    expect(strictRec.states.some((s) => s.state === 'connected')).toBe(false);
  });

  it('stop() while still connecting drops the socket and reports nothing more', async () => {
    const adapter = new IrcAdapter('irc', { host: '127.0.0.1', port: server.port, nick: 'quickstop' });
    const rec = recorder();
    await adapter.start(rec.host);
    await adapter.stop();
    const states = rec.states.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rec.states.length).toBe(states);
    expect(rec.states.map((s) => s.state)).toEqual(['connecting']);
  });
});
