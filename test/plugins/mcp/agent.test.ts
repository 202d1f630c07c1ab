/**
 * MCP tools in real agent runs (fake model provider, real gateway, real published servers):
 * a scripted tool call reaches server-everything end to end; server-filesystem goes through
 * the tool policy (a sandboxed session reaches only what the policy allows, and the server's
 * own path check still holds); server-memory stores and reads back; a long call's progress
 * reaches WebSocket clients as tool.progress events before the reply.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mcpServiceRef } from '../../../plugins/mcp/index.ts';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { chat, startAgent, waitFor } from '../agent/harness.ts';
import { SERVERS, stdio } from './kit.ts';

const GROUP = 'agent:main:webchat:group:room1';

/** The content of the tool message the model got back for `callId` (request after the call). */
function toolReply(h: Awaited<ReturnType<typeof startAgent>>, callId: string): string {
  for (const request of h.fake.requests) {
    const found = (request.body.messages as { role: string; tool_call_id?: string; content: string }[]).find((m) => m.role === 'tool' && m.tool_call_id === callId);
    if (found) return found.content;
  }
  throw new Error(`no tool reply for ${callId}`);
}

describe('mcp tools in agent runs', () => {
  it('a scripted model tool call runs mcp__everything__echo end to end; the model gets the untrusted-marked result', async () => {
    const h = await startAgent({ config: { mcp: { servers: { everything: stdio(SERVERS.everything, ['stdio']) } } }, extra: ['tool-policy'] });
    await h.kernel.use(mcpServiceRef).settled();
    h.fake.script({ toolCall: { name: 'mcp__everything__echo', args: { message: 'from the model' }, id: 'call_e1' } }, { text: 'echoed' });
    const client = await h.client();
    const { final } = await chat(client, 'echo something');
    expect(final.payload).toMatchObject({ status: 'ok', text: 'echoed' });
    // Offered to the model with the server's schema.
    const offered = (h.fake.requests[0]!.body.tools as { function: { name: string; parameters: object } }[]).find((t) => t.function.name === 'mcp__everything__echo');
    expect(offered?.function.parameters).toMatchObject({ type: 'object', properties: { message: { type: 'string' } } });
    const reply = toolReply(h, 'call_e1');
    expect(reply).toMatch(/^<untrusted-mcp-content source="everything\/echo">/);
    expect(reply).toContain('Echo: from the model');
    expect(h.kernel.use(mcpServiceRef).stats()['everything']).toMatchObject({ calls: 1, errors: 0 });
  });

  it('progress of a long MCP call reaches the sender and a session subscriber as tool.progress events, in order, before the reply', async () => {
    const h = await startAgent({ config: { mcp: { servers: { everything: stdio(SERVERS.everything, ['stdio']) } } }, extra: ['tool-policy'] });
    await h.kernel.use(mcpServiceRef).settled();
    // Three steps 200 ms apart: each passes the 100 ms throttle.
    h.fake.script({ toolCall: { name: 'mcp__everything__trigger-long-running-operation', args: { duration: 0.6, steps: 3 }, id: 'call_p1' } }, { text: 'operation finished' });
    const watcher = await h.client();
    expect((await watcher.request('sessions.subscribe', { sessionKey: 'agent:main:main' })).ok).toBe(true);
    const sender = await h.client();
    const { response, final } = await chat(sender, 'run the long operation');
    expect(final.payload).toMatchObject({ status: 'ok', text: 'operation finished' });
    const runId = response.payload.runId as string;
    await waitFor(watcher, (f) => f.event === 'chat.final' && f.payload.runId === runId);
    for (const client of [sender, watcher]) {
      const events = client.frames.filter((f) => f.type === 'event' && f.payload?.runId === runId && f.event !== 'chat.delta');
      const labels = events.map((f) => f.event === 'tool.progress' ? `${f.payload.progress}/${f.payload.total}` : f.event);
      // 2/3 may be folded into 3/3 when a loaded machine delivers them within one throttle
      // window; the first and the last update always arrive, in order, before chat.final.
      expect([['1/3', '2/3', '3/3', 'chat.final'], ['1/3', '3/3', 'chat.final']]).toContainEqual(labels);
      expect(events[0]!.payload).toEqual({ runId, sessionKey: 'agent:main:main', callId: 'call_p1', tool: 'mcp__everything__trigger-long-running-operation', progress: 1, total: 3 });
      // The reply's text streams after the tool finished.
      const firstDelta = client.frames.findIndex((f) => f.event === 'chat.delta' && f.payload.runId === runId);
      const lastProgress = client.frames.findLastIndex((f) => f.event === 'tool.progress');
      expect(firstDelta === -1 || firstDelta > lastProgress).toBe(true);
    }
    expect(toolReply(h, 'call_p1')).toContain('Long running operation completed');
  });

  it('tools.invoke of a long MCP call: tool.progress events go to the calling connection only, before the response (same callId)', async () => {
    const h = await startAgent({ config: { mcp: { servers: { everything: stdio(SERVERS.everything, ['stdio']) } } }, extra: ['tool-policy'] });
    await h.kernel.use(mcpServiceRef).settled();
    const bystander = await h.client();
    expect((await bystander.request('sessions.subscribe', { sessionKey: 'agent:main:main' })).ok).toBe(true);
    const caller = await h.client();
    const response = await caller.request('tools.invoke', { name: 'mcp__everything__trigger-long-running-operation', args: { duration: 0.6, steps: 3 }, sessionKey: 'agent:main:main' });
    expect(response.payload).toMatchObject({ ok: true, callId: expect.stringMatching(/^rpc-/) });
    const callId = response.payload.callId as string;
    const at = caller.frames.indexOf(response);
    const progress = caller.frames.filter((f) => f.event === 'tool.progress');
    expect(progress.every((f) => caller.frames.indexOf(f) < at)).toBe(true);
    expect([['1/3', '2/3', '3/3'], ['1/3', '3/3']]).toContainEqual(progress.map((f) => `${f.payload.progress}/${f.payload.total}`));
    expect(progress[0]!.payload).toEqual({ callId, tool: 'mcp__everything__trigger-long-running-operation', progress: 1, total: 3 });
    expect(bystander.frames.filter((f) => f.event === 'tool.progress')).toEqual([]);
  });

  it('server-filesystem through the tool policy: a sandboxed session gets read but not write; outside the allowed dir stays denied', async () => {
    const tmp = useTempDir('moltbot-mcp-fs-');
    const allowed = join(tmp.dir, 'allowed');
    mkdirSync(allowed);
    writeFileSync(join(allowed, 'note.txt'), 'inside note');
    writeFileSync(join(tmp.dir, 'secret.txt'), 'outside secret');
    const h = await startAgent({
      config: { mcp: { servers: { fs: stdio(SERVERS.filesystem, [allowed]) } } },
      agents: { defaults: { sandbox: { mode: 'non-main', allowlist: ['mcp__fs__*'], denylist: ['mcp__fs__write_file', 'exec'] } } },
      extra: ['tool-policy'],
    });
    await h.kernel.use(mcpServiceRef).settled();
    h.fake.script(
      { toolCall: { name: 'mcp__fs__read_text_file', args: { path: join(allowed, 'note.txt') }, id: 'c_in' } },
      { toolCall: { name: 'mcp__fs__read_text_file', args: { path: join(tmp.dir, 'secret.txt') }, id: 'c_out' } },
      { toolCall: { name: 'mcp__fs__write_file', args: { path: join(allowed, 'new.txt'), content: 'x' }, id: 'c_write' } },
      { text: 'done' },
    );
    const client = await h.client();
    const { final } = await chat(client, 'read and write', GROUP);
    expect(final.payload).toMatchObject({ status: 'ok', text: 'done' });
    // The denied tool is not even offered to the sandboxed session.
    const offered = (h.fake.requests[0]!.body.tools as { function: { name: string } }[]).map((t) => t.function.name);
    expect(offered).toContain('mcp__fs__read_text_file');
    expect(offered).not.toContain('mcp__fs__write_file');
    expect(toolReply(h, 'c_in')).toContain('inside note');
    const outside = toolReply(h, 'c_out');
    expect(outside).toMatch(/Access denied|outside allowed directories/i);
    expect(outside).not.toContain('outside secret');
    expect(toolReply(h, 'c_write')).toMatch(/^tool call denied: tool "mcp__fs__write_file" is denied in sandboxed sessions \(agents.defaults.sandbox.denylist\)/);
    expect(existsSync(join(allowed, 'new.txt'))).toBe(false);
  });

  it('MCP tools are denied to a sandboxed session by default (group:mcp in the default denylist)', async () => {
    const h = await startAgent({ config: { mcp: { servers: { everything: stdio(SERVERS.everything, ['stdio']) } } }, extra: ['tool-policy'] });
    await h.kernel.use(mcpServiceRef).settled();
    h.fake.script({ toolCall: { name: 'mcp__everything__echo', args: { message: 'x' }, id: 'c_d' } }, { text: 'ok' });
    const client = await h.client();
    await chat(client, 'try', GROUP);
    expect(toolReply(h, 'c_d')).toMatch(/^tool call denied: tool "mcp__everything__echo" is denied in sandboxed sessions \(the default sandbox denylist\)/);
    expect(h.kernel.use(mcpServiceRef).stats()['everything']!.calls).toBe(0);
  });

  it('server-memory: entities written by one call are read back by the next', async () => {
    const tmp = useTempDir('moltbot-mcp-mem-');
    const h = await startAgent({
      config: { mcp: { servers: { memory: stdio(SERVERS.memory, [], { env: { MEMORY_FILE_PATH: join(tmp.dir, 'memory.jsonl') }, tools: { deny: ['delete_*'] } }) } } },
      extra: ['tool-policy'],
    });
    await h.kernel.use(mcpServiceRef).settled();
    const names = h.agent.tools.list().map((t) => t.name).filter((n) => n.startsWith('mcp__memory__'));
    expect(names).toContain('mcp__memory__create_entities');
    // mcp.servers.memory.tools.deny keeps the delete tools out of the registry entirely.
    expect(names.filter((n) => n.includes('delete'))).toEqual([]);
    h.fake.script(
      { toolCall: { name: 'mcp__memory__create_entities', args: { entities: [{ name: 'Ada', entityType: 'person', observations: ['likes tea'] }] }, id: 'm1' } },
      { toolCall: { name: 'mcp__memory__read_graph', args: {}, id: 'm2' } },
      { text: 'remembered' },
    );
    const client = await h.client();
    await chat(client, 'remember Ada');
    expect(toolReply(h, 'm2')).toContain('likes tea');
    expect(existsSync(join(tmp.dir, 'memory.jsonl'))).toBe(true);
  });
});
