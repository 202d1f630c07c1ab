/**
 * Issue 25: owner DM approval over a real channel. A real ngIRCd, the channels service with
 * channel-irc, the agent with the fake provider and the real exec tool: the model calls exec,
 * the call waits, the owner gets the approval by IRC DM and answers `/approve <id>`; the run
 * resumes and the command runs. A non-owner's `/approve` is refused and audited.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelsServiceRef } from '../../../sdk/channels/index.ts';
import { ircUser, type Received } from '../../helpers/irc-user.ts';
import { startNgircd, type Ngircd } from '../../helpers/ngircd.ts';
import { startAgent, waitFor } from '../agent/harness.ts';

let server: Ngircd;
beforeAll(async () => { server = await startNgircd(); });
afterAll(async () => { await server?.stop(); });

const fromBot = (to: string) => (m: Received) => m.from === 'moltbot' && m.type === 'privmsg' && m.target === to;

async function until(ready: () => boolean, what: string): Promise<void> {
  for (let i = 0; !ready(); i++) {
    if (i > 750) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('approvals by owner DM over IRC (ngIRCd)', () => {
  it('an ask exec call waits; a non-owner /approve is refused; the owner\'s /approve resumes the run', async () => {
    const h = await startAgent({
      extra: ['channels', 'tool-policy', ['tools-exec', { allow: ['echo'], containment: 'process-group' }]],
      agents: { defaults: { sandbox: { mode: 'off', approvals: { exec: { ask: 'on-miss' }, notify: [{ channel: 'irc', to: 'boss' }] } } } },
      config: {
        channels: {
          irc: {
            host: server.host, port: server.port, nick: 'moltbot', flood: { burst: 50, intervalMs: 5 }, reconnect: { baseMs: 50, maxMs: 400 },
            dmPolicy: 'allowlist', allowFrom: ['boss', 'mallory'], owners: ['boss'],
          },
        },
      },
    });
    mkdirSync(join(h.kernel.tempDir, 'clawd'), { recursive: true });
    const channels = h.kernel.use(channelsServiceRef);
    await until(() => channels.status()[0]?.state === 'connected', 'the IRC channel to connect');
    const boss = ircUser(server, 'boss');
    const mallory = ircUser(server, 'mallory');
    await Promise.all([boss.connect(), mallory.connect()]);

    h.fake.script({ toolCall: { name: 'exec', args: { command: 'echo', args: ['approved-run'] }, id: 'call-1' } }, { text: 'done' });
    const client = await h.client();
    const response = await client.request('chat.send', { message: 'say it' });
    const runId = response.payload.runId as string;

    await boss.waitFor((m) => fromBot('boss')(m) && m.text.includes('(no answer = deny)'));
    // Longer than one IRC line: it comes as consecutive lines.
    const notice = { text: boss.received.filter(fromBot('boss')).map((m) => m.text).join(' ') };
    const id = /^Approval ([0-9a-f-]{36}):/.exec(notice.text)?.[1];
    expect(id, notice.text).toBeDefined();
    expect(notice.text).toContain('exec `echo "approved-run"` matches no allow rule');
    expect(notice.text).toContain('session agent:main:main');
    expect(notice.text).toContain(`/approve ${id}`);

    mallory.say('moltbot', `/approve ${id}`);
    await mallory.waitFor((m) => fromBot('mallory')(m) && m.text === 'You may not answer approvals.');
    const listed = await client.request('approvals.list', {});
    expect(listed.payload.approvals.map((a: { id: string }) => a.id)).toEqual([id]);
    expect(client.frames.some((f) => f.event === 'chat.final' && f.payload.runId === runId)).toBe(false);

    boss.say('moltbot', `/approve ${id}`);
    await boss.waitFor((m) => fromBot('boss')(m) && m.text === `Approved ${id} (exec).`);
    const final = await waitFor(client, (f) => f.event === 'chat.final' && f.payload.runId === runId, 15_000);
    expect(final.payload.status).toBe('ok');
    // The command ran: its output went back to the model.
    const toolMessage = (h.fake.requests[1]?.body as { messages: Array<{ role: string; content: string }> }).messages.find((m) => m.role === 'tool');
    expect(JSON.parse(toolMessage!.content)).toMatchObject({ exitCode: 0, stdout: 'approved-run\n' });
    // Neither approval command reached the model.
    expect(h.fake.requests).toHaveLength(2);

    const audit = readFileSync(join(h.kernel.tempDir, 'state', 'plugins', 'tool-policy', 'audit.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(audit.find((entry) => entry.event === 'refused')).toMatchObject({ id, reason: 'not an owner', by: { subject: 'mallory', via: 'channel:irc' } });
    expect(audit.find((entry) => entry.event === 'resolved')).toMatchObject({ id, answer: 'once', by: { subject: 'boss', via: 'channel:irc' } });
  });

  it('a notify target that is not an owner of its channel fails the start, naming the path', async () => {
    await expect(startAgent({
      extra: ['channels', 'tool-policy'],
      agents: { defaults: { sandbox: { approvals: { tools: { exec: 'ask' }, notify: [{ channel: 'irc', to: 'someone' }] } } } },
      config: { channels: { irc: { host: server.host, port: server.port, nick: 'moltbot2', owners: ['boss'] } } },
    })).rejects.toThrow('agents.defaults.sandbox.approvals.notify[0].to: "someone" is not in channels.irc.owners');
  });
});
