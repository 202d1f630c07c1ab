/**
 * IRC end to end: a real ngIRCd, the real `channels` service, the real agent with the fake model
 * provider, the `channel-irc` plugin implied by `channels.irc`, and a human on a second IRC
 * client. Pairing by PRIVMSG, approval over RPC, mention gating in a channel, a long
 * multi-byte reply in several untruncated lines, and the server dying mid-conversation.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { safeCharacters } from '../../../plugins/channel-irc/lines.ts';
import { chunkText } from '../../../sdk/channels/chunk.ts';
import type { ChannelsService } from '../../../sdk/channels/contract.ts';
import { startFakeProvider, type FakeProvider } from '../../helpers/fake-provider.ts';
import { ircUser, type Received } from '../../helpers/irc-user.ts';
import { startNgircd, type Ngircd } from '../../helpers/ngircd.ts';
import { connectClient, logText, startGateway, type GatewayHarness } from '../gateway/helpers.ts';
import { channelsServiceRef } from '../../../sdk/channels/index.ts';

const SERVER_PASSWORD = 'srv-pass-canary-4821';

let server: Ngircd;
beforeAll(async () => { server = await startNgircd({ password: SERVER_PASSWORD }); });
afterAll(async () => { await server?.stop(); });

interface Harness extends GatewayHarness {
  fake: FakeProvider;
  channels: ChannelsService;
}

async function start(settings: Record<string, unknown> = {}): Promise<Harness> {
  const fake = await startFakeProvider();
  onTestFinished(() => fake.close());
  const harness = await startGateway({
    extra: ['session-store-file', 'provider-openai', 'agent', 'channels'],
    config: {
      agent: { model: 'fake/primary', retryDelay: 5 },
      providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-openai-key' } },
      channels: {
        irc: {
          host: server.host, port: server.port, password: SERVER_PASSWORD, nick: 'moltbot', channels: ['#lobby'],
          flood: { burst: 50, intervalMs: 5 }, reconnect: { baseMs: 50, maxMs: 400 },
          groupPolicy: 'open', requireMention: true,
          ...settings,
        },
      },
    },
  });
  const channels = harness.kernel.use(channelsServiceRef);
  await until(() => channels.status()[0]?.state === 'connected', 'the IRC channel to connect');
  onTestFinished(() => {
    // Secrets never reach the log, whatever happened in the test.
    expect(logText(harness.kernel)).not.toContain(SERVER_PASSWORD);
  });
  return { ...harness, fake, channels };
}

async function until(ready: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const fromBot = (target: string) => (m: Received) => m.from === 'moltbot' && m.type === 'privmsg' && m.target === target;

describe('channel-irc end to end (ngIRCd + channels service + agent)', () => {
  it('an unknown nick gets a pairing code by PRIVMSG; once approved, its next DM gets the agent reply', async () => {
    const h = await start({ dmPolicy: 'pairing' });
    const alice = ircUser(server, 'alice');
    await alice.connect();
    alice.say('moltbot', 'hello?');
    // The pairing text is longer than one IRC chunk: it comes as consecutive lines.
    await alice.waitFor((m) => fromBot('alice')(m) && m.text.includes('moltbot pairing approve irc'));
    const codeText = alice.received.filter(fromBot('alice')).map((m) => m.text).join(' ');
    const code = /pairing code is ([A-Z0-9]{8})/.exec(codeText)?.[1];
    expect(code, codeText).toBeDefined();
    expect(codeText).toContain(`moltbot pairing approve irc ${code}`);
    expect(h.fake.requests).toHaveLength(0);

    const admin = await connectClient(h.url);
    const approved = await admin.request('pairing.approve', { channel: 'irc', code });
    expect(approved.payload).toEqual({ sender: 'alice' });
    await alice.waitFor((m) => fromBot('alice')(m) && m.text.startsWith('You are approved'));

    h.fake.script({ text: 'Hi Alice, the agent here.' });
    const from = alice.received.length;
    alice.say('moltbot', 'what is up');
    const reply = await alice.waitFor(fromBot('alice'), { from });
    expect(reply.text).toBe('Hi Alice, the agent here.');
    expect(h.fake.requests).toHaveLength(1);
    const status = h.channels.status()[0]!;
    expect(status).toMatchObject({ id: 'irc', state: 'connected', inbound: { accepted: 1, pairing: 1 } });
  });

  it('in a channel: no mention → ignored; "moltbot: …" → answered in the channel', async () => {
    const h = await start({ dmPolicy: 'disabled' });
    const bob = ircUser(server, 'bob');
    await bob.connect();
    await bob.join('#lobby');
    bob.say('#lobby', 'talking among humans');
    h.fake.script({ text: 'Hello #lobby!' });
    bob.say('#lobby', 'moltbot: say hello');
    const reply = await bob.waitFor(fromBot('#lobby'));
    expect(reply.text).toBe('Hello #lobby!');
    expect(h.fake.requests).toHaveLength(1);
    const userTexts = JSON.stringify(h.fake.requests[0]!.body.messages);
    expect(userTexts).toContain('bob: say hello');
    expect(userTexts).not.toContain('talking among humans');
    expect(h.channels.status()[0]!.inbound).toMatchObject({ accepted: 1, dropped: 1 });
  });

  it('a long multi-byte reply arrives as several PRIVMSG lines, none truncated', async () => {
    const h = await start({ dmPolicy: 'allowlist', allowFrom: ['carol'] });
    const carol = ircUser(server, 'carol');
    await carol.connect();
    const paragraph = 'Unicode check: 日本語のテキストです。Ünïcödé façade — crabs 🦀🦀 and more words to fill the line. ';
    const long = paragraph.repeat(12).trim();
    h.fake.script({ text: long });
    carol.say('moltbot', 'tell me a long story');
    const expected = chunkText(long, safeCharacters('moltbot', 'moltbot', ['#lobby']));
    expect(expected.length).toBeGreaterThan(5);
    const lines = await carol.waitForCount(fromBot('carol'), expected.length);
    expect(lines.map((m) => m.text)).toEqual(expected);
    expect(lines.map((m) => m.text).join(' ')).toBe(long);
    for (const line of lines) {
      expect(Buffer.byteLength(`:moltbot!~moltbot@127.0.0.1 PRIVMSG carol :${line.text}\r\n`)).toBeLessThanOrEqual(512);
      expect(line.text).not.toContain('\ufffd');
    }
  });

  it('ngIRCd killed mid-conversation and restarted on the same port: reconnect, rejoin, the queued reply delivered once', async () => {
    const h = await start({ dmPolicy: 'allowlist', allowFrom: ['dora'] });
    const dora = ircUser(server, 'dora');
    await dora.connect();
    h.fake.script({ text: 'the answer you waited for', delayMs: 800 });
    dora.say('moltbot', 'a slow question');
    await until(() => h.fake.requests.length === 1, 'the agent run to start');
    await server.kill();
    await until(() => h.channels.status()[0]!.state === 'degraded', 'the channel to degrade');
    await until(() => h.channels.status()[0]!.queue.pending === 1, 'the reply to be queued');
    expect(h.channels.status()[0]!.lastError?.message).toBeTruthy();

    await server.start();
    await dora.connect();
    const reply = await dora.waitFor((m) => fromBot('dora')(m) && m.text === 'the answer you waited for', { timeoutMs: 20_000 });
    expect(reply.text).toBe('the answer you waited for');
    await until(() => h.channels.status()[0]!.state === 'connected', 'the channel to be connected again');

    // Rejoined: a mention in #lobby is answered there; FIFO means any duplicate would have come first.
    await dora.join('#lobby');
    h.fake.script({ text: 'still here' });
    dora.say('#lobby', 'moltbot, are you back?');
    await dora.waitFor((m) => fromBot('#lobby')(m) && m.text === 'still here');
    expect(dora.received.filter((m) => m.text === 'the answer you waited for')).toHaveLength(1);
    await until(() => h.channels.status()[0]!.queue.pending === 0, 'the queue to empty');
  });
});
