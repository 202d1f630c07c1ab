/**
 * The memory plugin with the real agent and the fake provider: written in one session, found
 * in another; the index persists across a kernel restart (loaded, not rebuilt), follows hand
 * edits, is rebuilt when corrupt; the pre-compaction flush saves facts before the fold; the
 * tools stay inside MEMORY.md and memory/; sandboxed sessions do not get them by default.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { memoryServiceRef } from '../../../plugins/memory/index.ts';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestKernel } from '../../../app/testing.ts';
import { FLUSH_INSTRUCTION, type MemoryService } from '../../../plugins/memory/index.ts';
import { dailyFile } from '../../../plugins/memory/memory-files.ts';
import type { ToolRegistry } from '../../../sdk/agent/tool-registry.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { chat, startAgent } from '../agent/harness.ts';

const OFF = { defaults: { sandbox: { mode: 'off' } } };
const toolResults = (body: any): string[] => body.messages.filter((m: any) => m.role === 'tool').map((m: any) => m.content);
const toolNames = (body: any): string[] => (body.tools ?? []).map((t: any) => t.function.name);
const ctx = { runId: 'r', sessionKey: 'agent:main:main', signal: new AbortController().signal };

async function memoryKernel(dir: string) {
  return createTestKernel({
    config: { agent: { model: 'fake/x', workspace: join(dir, 'ws') }, plugins: ['session-store-file', 'agent', 'memory'] },
    env: { MOLTBOT_STATE_DIR: join(dir, 'state') },
  });
}

describe('memory plugin', () => {
  it('memory written in one session is found by memory_search in another', async () => {
    const { dir } = useTempDir();
    const h = await startAgent({ agent: { workspace: join(dir, 'ws') }, agents: OFF, extra: ['memory', 'tool-policy'] });
    const client = await h.client();
    h.fake.script({ toolCall: { name: 'memory_write', args: { text: "The user's dog is called Rex; he is afraid of thunder." } } }, { text: 'noted' });
    await chat(client, 'remember my dog', 'agent:main:main');
    const today = dailyFile();
    expect(JSON.parse(toolResults(h.fake.requests.at(-1)!.body)[0]!)).toEqual({ file: today, line: 3, saved: true });
    expect(readFileSync(join(dir, 'ws', today), 'utf8')).toBe(`# ${today.slice(7, -3)}\n\nThe user's dog is called Rex; he is afraid of thunder.\n`);
    expect(statSync(join(dir, 'ws', today)).mode & 0o777).toBe(0o600);

    h.fake.script({ toolCall: { name: 'memory_search', args: { query: 'what is the dog called', limit: 3 } } }, { text: 'Rex' });
    await chat(client, 'what is my dog called?', 'agent:main:webchat:dm:owner');
    const { results } = JSON.parse(toolResults(h.fake.requests.at(-1)!.body)[0]!);
    expect(results[0]).toMatchObject({ file: today, line: 3, endLine: 3, snippet: "The user's dog is called Rex; he is afraid of thunder." });
    expect(results[0].score).toBeGreaterThan(0);

    h.fake.script({ toolCall: { name: 'memory_get', args: { file: today, from: 3, lines: 1 } } }, { text: 'ok' });
    await chat(client, 'read it', 'agent:main:main');
    expect(JSON.parse(toolResults(h.fake.requests.at(-1)!.body).at(-1)!)).toEqual({ file: today, from: 3, to: 3, totalLines: 3, text: "The user's dog is called Rex; he is afraid of thunder." });
  });

  it("each agent of agents.list has its own memory: another agent never reads or changes main's", async () => {
    const { dir } = useTempDir();
    mkdirSync(join(dir, 'ws'), { recursive: true });
    writeFileSync(join(dir, 'ws', 'MEMORY.md'), 'The launch code is swordfish.\n');
    const h = await startAgent({
      agent: { workspace: join(dir, 'ws') },
      agents: { ...OFF, list: [{ id: 'guest', model: 'fake/primary', workspace: join(dir, 'guest') }] },
      extra: ['memory', 'tool-policy'],
    });
    const client = await h.client();
    const lastBody = () => JSON.stringify(h.fake.requests.at(-1)!.body);
    h.fake.script({ toolCall: { name: 'memory_write', args: { text: 'The guest likes green tea.', file: 'MEMORY.md' } } }, { text: 'noted' });
    await chat(client, 'remember', 'agent:guest:main');
    // Main's MEMORY.md is not in the guest's prompt, and the note went to the guest's workspace.
    expect(lastBody()).not.toContain('swordfish');
    expect(readFileSync(join(dir, 'guest', 'MEMORY.md'), 'utf8')).toBe('The guest likes green tea.\n');
    expect(readFileSync(join(dir, 'ws', 'MEMORY.md'), 'utf8')).toBe('The launch code is swordfish.\n');

    for (const [name, args] of [['memory_search', { query: 'launch code tea' }], ['memory_get', { file: 'MEMORY.md' }]] as const) {
      h.fake.script({ toolCall: { name, args } }, { text: 'done' });
      await chat(client, `try ${name}`, 'agent:guest:main');
      const result = toolResults(h.fake.requests.at(-1)!.body).at(-1)!;
      expect(result, name).toContain('green tea');
      expect(lastBody(), name).not.toContain('swordfish');
    }
    // And main still finds its own, not the guest's.
    h.fake.script({ toolCall: { name: 'memory_search', args: { query: 'launch code tea' } } }, { text: 'done' });
    await chat(client, 'search', 'agent:main:main');
    const result = toolResults(h.fake.requests.at(-1)!.body).at(-1)!;
    expect(result).toContain('swordfish');
    expect(result).not.toContain('green tea');
  });

  it('sandboxed sessions are not offered the memory tools by default (group:memory in the default denylist)', async () => {
    const { dir } = useTempDir();
    const h = await startAgent({ agent: { workspace: join(dir, 'ws') }, extra: ['memory', 'tool-policy'] });
    const client = await h.client();
    await chat(client, 'hi', 'agent:main:main');
    expect(toolNames(h.fake.requests.at(-1)!.body)).toEqual(expect.arrayContaining(['memory_search', 'memory_get', 'memory_write']));
    await chat(client, 'hi', 'agent:main:irc:group:strangers');
    expect(toolNames(h.fake.requests.at(-1)!.body).filter((n) => n.startsWith('memory_'))).toEqual([]);
    const denied = await h.kernel.hooks.beforeToolCall.promise({ runId: 'r', sessionKey: 'agent:main:irc:group:strangers', callId: 'c', name: 'memory_search', args: { query: 'x' } });
    expect(denied).toEqual({ deny: 'tool "memory_search" is denied in sandboxed sessions (the default sandbox denylist)' });
  });

  it('MEMORY.md goes into the main session prompt (bounded), never into other sessions', async () => {
    const { dir, write } = useTempDir();
    write('ws/MEMORY.md', `# User\nName: Ada. Prefers short answers.\n${'filler '.repeat(100)}`);
    const h = await startAgent({ agent: { workspace: join(dir, 'ws'), systemPrompt: 'You are Molty.' }, agents: OFF, extra: [['memory', { injectMaxChars: 200 }]] });
    const client = await h.client();
    const systemOf = (body: any): string => body.messages.find((m: any) => m.role === 'system')?.content ?? '';
    await chat(client, 'hi', 'agent:main:main');
    const system = systemOf(h.fake.requests.at(-1)!.body);
    expect(system).toMatch(/^You are Molty\.\n\n## Long-term memory \(MEMORY\.md\)\n# User\nName: Ada\. Prefers short answers\./);
    expect(system).toContain('[… MEMORY.md continues; read the rest with memory_get]');
    expect(system.length).toBeLessThan(400);
    await chat(client, 'hi', 'agent:main:irc:group:friends');
    expect(systemOf(h.fake.requests.at(-1)!.body)).toBe('You are Molty.');
  });

  it('the index survives a restart (loaded, nothing re-read), follows hand edits, and is rebuilt when corrupt', async () => {
    const { dir, write } = useTempDir();
    write('ws/MEMORY.md', '# About the user\nPrefers tea over coffee.\n');
    const first = await memoryKernel(dir);
    const tools = first.use('tools') as ToolRegistry;
    await tools.get('memory_write')!.handler({ text: 'Flight to Lisbon on March 3rd.' }, ctx);
    const memory1 = first.use(memoryServiceRef);
    expect(memory1.status()).toMatchObject({ origin: 'new', files: 2 });
    await first.close();
    const indexFile = join(dir, 'state', 'plugins', 'memory', 'index.json');
    const savedAt = statSync(indexFile).mtimeMs;

    const second = await memoryKernel(dir);
    const memory2 = second.use(memoryServiceRef);
    expect((await memory2.search('lisbon'))[0]).toMatchObject({ file: dailyFile(), snippet: 'Flight to Lisbon on March 3rd.' });
    expect(memory2.status()).toMatchObject({ origin: 'loaded', files: 2, lastSync: { indexed: 0, removed: 0, touched: 0 } });
    expect(statSync(indexFile).mtimeMs).toBe(savedAt);

    // Edited by hand: only that file is re-read; the old text is gone from the index.
    writeFileSync(join(dir, 'ws', 'MEMORY.md'), '# About the user\nPrefers green tea, never coffee. Allergic to peanuts.\n');
    expect(await memory2.sync()).toEqual({ indexed: 1, removed: 0, touched: 0 });
    expect((await memory2.search('peanuts'))[0]).toMatchObject({ file: 'MEMORY.md', line: 2 });
    expect(await memory2.search('over')).toEqual([]);
    mkdirSync(join(dir, 'ws', 'memory'), { recursive: true });
    writeFileSync(join(dir, 'ws', 'memory', 'projects.md'), 'Moltbot release planned for Friday.\n');
    expect((await memory2.search('release friday'))[0]).toMatchObject({ file: 'memory/projects.md', line: 1 });
    await second.close();

    writeFileSync(indexFile, '{"format":1,"files":{},"index":{"broken":');
    const third = await memoryKernel(dir);
    const memory3 = third.use(memoryServiceRef);
    expect((await memory3.search('peanuts'))[0]).toMatchObject({ file: 'MEMORY.md' });
    expect(memory3.status()).toMatchObject({ origin: 'rebuilt-corrupt', files: 3, lastSync: { indexed: 3 } });
    const checks: any[] = [];
    await third.hooks.diagnose.promise({ add: (check) => checks.push(check) });
    expect(checks.find((c) => c.id === 'memory.index')).toMatchObject({ severity: 'ok', description: expect.stringMatching(/^3 memory file\(s\), \d+ chunk\(s\); this check re-indexed 0/) });
    // Saves are batched; close writes the pending one.
    await third.close();
    expect(JSON.parse(readFileSync(indexFile, 'utf8'))).toMatchObject({ format: 1, files: { 'MEMORY.md': { size: 71 } } });
  });

  it('memory_get and memory_write stay inside MEMORY.md and memory/', async () => {
    const { dir, write } = useTempDir();
    write('ws/secret.txt', 'TOP SECRET');
    const kernel = await memoryKernel(dir);
    const tools = kernel.use('tools') as ToolRegistry;
    for (const file of ['secret.txt', '../state/x.md', 'memory/../secret.txt', '/etc/passwd']) {
      await expect(Promise.resolve(tools.get('memory_get')!.handler({ file }, ctx))).rejects.toMatchObject({ code: 'MOLT_ERR_MEMORY_PATH' });
      await expect(Promise.resolve(tools.get('memory_write')!.handler({ text: 'x', file }, ctx))).rejects.toMatchObject({ code: 'MOLT_ERR_MEMORY_PATH' });
    }
    await expect(Promise.resolve(tools.get('memory_get')!.handler({ file: 'MEMORY.md' }, ctx))).rejects.toMatchObject({ code: 'MOLT_ERR_TOOL_NOT_FOUND' });
    await expect(Promise.resolve(tools.get('memory_write')!.handler({ text: 'x'.repeat(8001) }, ctx))).rejects.toThrow(/longer than 8000 characters/);
    expect(await tools.get('memory_write')!.handler({ text: 'Lasting fact.', file: 'MEMORY.md' }, ctx)).toEqual({ file: 'MEMORY.md', line: 1, saved: true });
    expect(await tools.get('memory_write')!.handler({ text: 'Second fact.', file: 'MEMORY.md' }, ctx)).toEqual({ file: 'MEMORY.md', line: 3, saved: true });
    expect(readFileSync(join(dir, 'ws', 'MEMORY.md'), 'utf8')).toBe('Lasting fact.\n\nSecond fact.\n');
  });

  it('before a compaction the model flushes durable facts to memory; another session finds them', async () => {
    const { dir } = useTempDir();
    const h = await startAgent({ agent: { workspace: join(dir, 'ws'), contextTokens: 1000, compactAt: 0.5, keepMessages: 2 }, agents: OFF, extra: ['memory', 'tool-policy'] });
    const client = await h.client();
    const long = 'x'.repeat(600);
    await chat(client, `the project codename is BLUEBIRD ${long}`);
    await chat(client, `second ${long}`);
    const before = h.fake.requests.length;
    h.fake.script(
      { toolCall: { name: 'memory_write', args: { text: 'Project codename: BLUEBIRD.' } } },
      { text: 'NO_REPLY' },
      { text: 'SUMMARY of first and second' },
    );
    const { final } = await chat(client, 'third');
    expect(final.payload).toMatchObject({ status: 'ok', text: 'echo: third' });
    const calls = h.fake.requests.slice(before).map((r) => r.body);
    expect(calls).toHaveLength(4);
    expect(calls[0].messages.at(-1).content).toBe(FLUSH_INSTRUCTION);
    expect(toolNames(calls[0]).sort()).toEqual(['memory_get', 'memory_search', 'memory_write']);
    expect(calls[2].messages.at(-1).content).toMatch(/^Summarize the conversation above/);
    // The silent turn is not in the transcript and not in what the model sees afterwards.
    const history = await h.agent.history('agent:main:main');
    expect(history.map((m) => m.content)).not.toContain('NO_REPLY');
    expect(JSON.stringify(calls[3].messages)).not.toContain('Memory flush before compaction');

    h.fake.script({ toolCall: { name: 'memory_search', args: { query: 'codename' } } }, { text: 'BLUEBIRD' });
    await chat(client, 'what was the codename?', 'agent:main:webchat:dm:owner');
    const { results } = JSON.parse(toolResults(h.fake.requests.at(-1)!.body)[0]!);
    expect(results[0]).toMatchObject({ file: dailyFile(), snippet: 'Project codename: BLUEBIRD.' });
  });

  it('a failing flush never blocks the compaction', async () => {
    const { dir } = useTempDir();
    const h = await startAgent({ agent: { workspace: join(dir, 'ws'), contextTokens: 1000, compactAt: 0.5, keepMessages: 2 }, agents: OFF, extra: ['memory'] });
    const client = await h.client();
    const long = 'x'.repeat(600);
    await chat(client, `first ${long}`);
    await chat(client, `second ${long}`);
    // The flush's model call is refused (a 400 is not retried); the summary call then succeeds.
    h.fake.script({ status: 400, message: 'bad flush' }, { text: 'SUMMARY' });
    const { final } = await chat(client, 'third');
    expect(final.payload).toMatchObject({ status: 'ok', text: 'echo: third' });
    const info = await h.agent.inspectSession('agent:main:main');
    expect(info?.metadata.compactions).toBe(1);
    expect(h.kernel.logs.some((l) => l.msg === 'the pre-compaction flush failed; compacting anyway')).toBe(true);
  });
});
