/**
 * Several agents in one gateway, end to end: a real ngIRCd, the channels service, the agent
 * with two agents on different fake-provider models and tool limits, bindings routing an IRC
 * DM to one and the webchat (chat.send) to the other; each agent's tools confined to its own
 * workspace and sessions; workspace identity files in its system prompt.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { agentServiceRef, type MessageEntry } from '../../../sdk/agent/index.ts';
import { channelsServiceRef } from '../../../sdk/channels/index.ts';
import { startFakeProvider, type FakeProvider } from '../../helpers/fake-provider.ts';
import { ircUser } from '../../helpers/irc-user.ts';
import { startNgircd, type Ngircd } from '../../helpers/ngircd.ts';
import { connectClient, startGateway, type GatewayHarness } from '../gateway/helpers.ts';
import { chat } from './harness.ts';

let server: Ngircd;
beforeAll(async () => { server = await startNgircd(); });
afterAll(async () => { await server?.stop(); });

interface Harness extends GatewayHarness {
  fake: FakeProvider;
  alphaWorkspace: string;
  betaWorkspace: string;
}

async function until(ready: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function start(prepare?: (workspaces: { alpha: string; beta: string }) => void): Promise<Harness> {
  const fake = await startFakeProvider();
  onTestFinished(() => fake.close());
  const root = join(await import('node:os').then((os) => os.tmpdir()), `moltbot-agents-${process.pid}-${Date.now()}`);
  const alphaWorkspace = join(root, 'alpha');
  const betaWorkspace = join(root, 'beta');
  mkdirSync(alphaWorkspace, { recursive: true });
  mkdirSync(betaWorkspace, { recursive: true });
  onTestFinished(async () => (await import('node:fs/promises')).rm(root, { recursive: true, force: true }));
  prepare?.({ alpha: alphaWorkspace, beta: betaWorkspace });
  const harness = await startGateway({
    extra: ['session-store-file', 'provider-openai', 'agent', 'tools-fs', 'tools-sessions', 'channels'],
    config: {
      agent: { model: 'fake/main-model', retryDelay: 5 },
      agents: {
        defaults: { sandbox: { mode: 'off' } },
        list: [
          { id: 'alpha', name: 'Alpha', model: 'fake/alpha-model', workspace: alphaWorkspace, tools: { deny: ['write', 'edit'] }, sandbox: { mode: 'all', denylist: ['sessions_send'] } },
          { id: 'beta', model: { primary: 'fake/beta-model' }, workspace: betaWorkspace, tools: { allow: ['group:fs', 'group:sessions'] }, identity: { name: 'Bea', emoji: '🐝' } },
        ],
      },
      bindings: [
        { agentId: 'alpha', match: { channel: 'irc', peer: 'alice' } },
        { agentId: 'beta', match: { channel: 'webchat' } },
      ],
      providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-openai-key' } },
      channels: {
        irc: {
          host: server.host, port: server.port, nick: 'moltbot', channels: [],
          flood: { burst: 50, intervalMs: 5 }, reconnect: { baseMs: 50, maxMs: 400 },
          dmPolicy: 'allowlist', allowFrom: ['alice', 'bob'],
        },
      },
    },
  });
  const channels = harness.kernel.use(channelsServiceRef);
  await until(() => channels.status().find((c) => c.id === 'irc')?.state === 'connected', 'the IRC channel to connect');
  return { ...harness, fake, alphaWorkspace, betaWorkspace };
}

const systemOf = (body: any): string => body.messages.filter((m: any) => m.role === 'system').map((m: any) => m.content).join('\n');

describe('several agents in one gateway', () => {
  it('an IRC DM and a webchat message are routed by bindings to different agents, each answered by its own model', async () => {
    const h = await start();
    h.fake.scriptFor('alpha-model', { text: 'alpha answers' });
    h.fake.scriptFor('beta-model', { text: 'beta answers' });

    const alice = ircUser(server, 'alice');
    await alice.connect();
    alice.say('moltbot', 'hello there');
    await alice.waitFor((m) => m.from === 'moltbot' && m.type === 'privmsg' && m.text.includes('alpha answers'));

    const client = await connectClient(h.url);
    const { final } = await chat(client, 'hi from the control UI');
    expect(final.payload).toMatchObject({ status: 'ok', text: 'beta answers', sessionKey: 'agent:beta:main', model: 'fake/beta-model' });

    expect(h.fake.requests.map((r) => r.model).sort()).toEqual(['alpha-model', 'beta-model']);
    // Unbound traffic (bob) goes to the default agent, main, with its own model.
    const bob = ircUser(server, 'bob');
    await bob.connect();
    h.fake.scriptFor('main-model', { text: 'main answers' });
    bob.say('moltbot', 'anyone?');
    await bob.waitFor((m) => m.from === 'moltbot' && m.type === 'privmsg' && m.text.includes('main answers'));

    // Each agent's sessions in its own store directory.
    const agents = join(h.kernel.paths.stateDir, 'state', 'agents');
    expect(existsSync(join(agents, 'alpha', 'sessions', `${encodeURIComponent('agent:alpha:irc:dm:alice')}.jsonl`))).toBe(true);
    expect(existsSync(join(agents, 'beta', 'sessions', `${encodeURIComponent('agent:beta:main')}.jsonl`))).toBe(true);
    expect(existsSync(join(agents, 'main', 'sessions', `${encodeURIComponent('agent:main:irc:dm:bob')}.jsonl`))).toBe(true);
    const agent = h.kernel.use(agentServiceRef);
    expect((await agent.listSessions('alpha')).map((s) => s.key)).toEqual(['agent:alpha:irc:dm:alice']);

    const listed = await client.request('agents.list', {});
    expect(listed.payload).toMatchObject({ defaultId: 'main', agents: [
      { id: 'main', default: true, model: 'fake/main-model', bindings: [] },
      { id: 'alpha', name: 'Alpha', model: 'fake/alpha-model', workspace: h.alphaWorkspace, bindings: [{ channel: 'irc', peer: 'alice', path: 'bindings[0]' }] },
      { id: 'beta', model: 'fake/beta-model', identity: { name: 'Bea' }, bindings: [{ channel: 'webchat', path: 'bindings[1]' }] },
    ] });
    expect((await client.request('agents.get', { agentId: 'nope' })).error).toMatchObject({ code: 'NOT_FOUND' });
  });

  it("agent beta's tools cannot read agent alpha's workspace or sessions; its tool limits hold", async () => {
    const h = await start(({ alpha }) => writeFileSync(join(alpha, 'secret.txt'), 'alpha-only-canary'));
    const agent = h.kernel.use(agentServiceRef);
    // Alpha has a session with a secret in it.
    h.fake.scriptFor('alpha-model', { text: 'noted alpha-session-canary' });
    await agent.run({ sessionKey: 'agent:alpha:main', message: 'remember this' });

    h.fake.scriptFor('beta-model',
      { toolCall: { name: 'read', args: { path: 'secret.txt' } } },
      { toolCall: { name: 'read', args: { path: '../alpha/secret.txt' } } },
      { toolCall: { name: 'sessions_history', args: { sessionKey: 'agent:alpha:main' } } },
      { toolCall: { name: 'exec', args: { command: 'cat', args: ['../alpha/secret.txt'] } } },
      { text: 'done' });
    const result = await agent.run({ sessionKey: 'agent:beta:main', message: 'snoop' });
    expect(result.text).toBe('done');
    const tools = (await agent.history('agent:beta:main')).filter((m: MessageEntry) => m.role === 'tool');
    expect(tools).toHaveLength(4);
    expect(tools.every((m) => m.isError === true)).toBe(true);
    expect(tools[0]!.content).toContain('does not exist');
    expect(tools[1]!.content).toContain('outside the workspace');
    expect(tools[2]!.content).toContain('another agent');
    expect(tools[3]!.content).toContain('tool "exec" is not allowed for agent "beta" (agents.list[1].tools.allow)');
    expect(JSON.stringify(tools)).not.toMatch(/alpha-only-canary|alpha-session-canary/);
    // The model was never even offered exec.
    const betaCalls = h.fake.requests.filter((r) => r.model === 'beta-model');
    expect(betaCalls[0]!.body.tools.map((t: any) => t.function.name).sort()).toEqual(['edit', 'read', 'sessions_history', 'sessions_list', 'sessions_send', 'write']);

    // Alpha reads its own workspace but may not write (its deny list).
    h.fake.scriptFor('alpha-model', { toolCall: { name: 'read', args: { path: 'secret.txt' } } }, { toolCall: { name: 'write', args: { path: 'x.txt', content: 'x' } } }, { toolCall: { name: 'sessions_send', args: { sessionKey: 'agent:alpha:irc:dm:x', message: 'hi' } } }, { text: 'ok' });
    await agent.run({ sessionKey: 'agent:alpha:main', message: 'read it' });
    const alphaTools = (await agent.history('agent:alpha:main')).filter((m) => m.role === 'tool');
    expect(alphaTools[0]).toMatchObject({ content: 'alpha-only-canary' });
    expect(alphaTools[1]).toMatchObject({ isError: true, content: expect.stringContaining('agents.list[0].tools.deny') });
    expect(alphaTools[2]).toMatchObject({ isError: true, content: expect.stringContaining('(agents.list[0].sandbox)') });
    expect(existsSync(join(h.alphaWorkspace, 'x.txt'))).toBe(false);

    // Metrics are labelled by agent.
    const figures: { name: string; value: number; labels?: Record<string, string> }[] = [];
    await h.kernel.hooks.collectMetrics.promise({ set: (name, value, labels) => void figures.push({ name, value, ...(labels ? { labels } : {}) }) });
    const runs = (agentId: string) => figures.find((f) => f.name === 'runs_total' && f.labels?.agent === agentId && f.labels.status === 'ok')?.value;
    expect(runs('alpha')).toBe(2);
    expect(runs('beta')).toBe(1);
    expect(figures.some((f) => f.name === 'tokens_total' && f.labels?.agent === 'beta' && f.labels.kind === 'input' && f.value > 0)).toBe(true);
  });

  it("the workspace identity files (capped) and the identity are in the agent's own system prompt only", async () => {
    const h = await start(({ beta }) => {
      writeFileSync(join(beta, 'SOUL.md'), 'Beta soul canary: be brief.');
      writeFileSync(join(beta, 'USER.md'), `The user. ${'x'.repeat(30_000)}`);
    });
    const agent = h.kernel.use(agentServiceRef);
    await agent.run({ sessionKey: 'agent:beta:main', message: 'who are you?' });
    await agent.run({ sessionKey: 'agent:alpha:main', message: 'who are you?' });
    const beta = systemOf(h.fake.requests.find((r) => r.model === 'beta-model')!.body);
    expect(beta).toContain('You are Bea 🐝.');
    expect(beta).toContain('## SOUL.md\nBeta soul canary: be brief.');
    expect(beta).toContain('[truncated at 20000 characters]');
    expect(beta.length).toBeLessThan(21_000);
    expect(systemOf(h.fake.requests.find((r) => r.model === 'alpha-model')!.body)).not.toContain('canary');
  });

  it('a run for an agent that is not configured is refused', async () => {
    const h = await start();
    await expect(h.kernel.use(agentServiceRef).run({ sessionKey: 'agent:ghost:main', message: 'boo' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('agent "ghost" is not configured') });
  });
});
