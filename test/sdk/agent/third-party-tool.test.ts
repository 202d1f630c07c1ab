/**
 * A tool plugin written only against `moltbot/plugin-sdk/{core,agent,workspace}` (fixture
 * acme-files) registers through `toolRegistryRef`; the agent's tool loop and the operator's
 * `tools.invoke` call it; it reads workspace files through the confined helper and is refused
 * outside the workspace.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chat, startAgent } from '../../plugins/agent/harness.ts';
import { acmeFiles } from '../fixtures/acme-files.ts';

async function start() {
  const h = await startAgent({ extra: ['tool-policy', acmeFiles()] });
  await mkdir(h.kernel.paths.workspace, { recursive: true });
  await writeFile(join(h.kernel.paths.workspace, 'notes.md'), 'buy milk');
  return h;
}

describe('a third-party tool plugin on the public SDK', () => {
  it('is offered to the model and called in a run, reading a workspace file', async () => {
    const h = await start();
    h.fake.script({ toolCall: { name: 'acme_read', args: { path: 'notes.md' }, id: 'call_1' } }, { text: 'You must buy milk' });
    const { final } = await chat(await h.client(), 'what do my notes say?', 'agent:main:main');
    expect(final.payload).toMatchObject({ status: 'ok', text: 'You must buy milk' });
    expect(h.fake.requests[0]!.body.tools.map((t: { function: { name: string } }) => t.function.name)).toEqual(expect.arrayContaining(['acme_read', 'acme_write']));
    expect(h.fake.requests[1]!.body.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: 'call_1', content: 'buy milk' });
  });

  it('tools.invoke runs it; a path outside the workspace is refused with the helper\'s code', async () => {
    const h = await start();
    const client = await h.client();
    const inside = await client.request('tools.invoke', { name: 'acme_read', args: { path: 'notes.md' }, sessionKey: 'agent:main:main' });
    expect(inside.payload).toMatchObject({ ok: true, output: 'buy milk' });
    for (const path of ['../outside.txt', '/etc/passwd', join(h.kernel.paths.stateDir, 'clawdbot.json')]) {
      const outside = await client.request('tools.invoke', { name: 'acme_read', args: { path }, sessionKey: 'agent:main:main' });
      expect(outside.payload, path).toMatchObject({ ok: false, error: { code: 'MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE' } });
    }
  });
});
