/** `moltbot pairing` against a running gateway and on the state file; config-implied channel plugins. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKernel } from '../../../core/kernel.ts';
import { definePlugin } from '../../../core/plugin.ts';
import { channelPlugins } from '../../../app/implied-channels.ts';
import { PairingStore } from '../../../plugins/channels/pairing-store.ts';
import { runCliCaptured, spawnCli } from '../../helpers/cli.ts';
import { accepts, freePort } from '../../helpers/net.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { PASSWORD } from '../gateway/helpers.ts';
import { startChannels } from './harness.ts';

describe('moltbot pairing', () => {
  it('approve against the running gateway: the sender is told, then answered', async () => {
    const h = await startChannels();
    const outcome = await h.channel.inject({ sender: 'carol', text: 'hi' });
    const code = (outcome as { code: string }).code;
    const project = useTempDir();
    project.write('moltbot.config.json', JSON.stringify({ gateway: { auth: { mode: 'password', password: PASSWORD } } }));
    const list = await runCliCaptured(['pairing', 'list', '--url', h.url], { cwd: project.dir });
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^fake\\s+${code}\\s+carol\\s+(59|60) min$`, 'm'));
    const approve = await runCliCaptured(['pairing', 'approve', 'fake', code, '--url', h.url], { cwd: project.dir });
    expect(approve).toMatchObject({ code: 0, stdout: 'approved carol on fake\n' });
    expect((await h.channel.waitForSent(2))[1]!.text).toMatch(/approved/);
    const again = await runCliCaptured(['pairing', 'reject', 'fake', code, '--url', h.url], { cwd: project.dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`NOT_FOUND no pending pairing code "${code}"`);
    expect(await h.channel.inject({ sender: 'carol', text: 'now?' })).toMatchObject({ status: 'accepted' });
    await h.channel.waitForSent(3);
    const approvedList = await runCliCaptured(['pairing', 'approved', 'fake', '--url', h.url, '--json'], { cwd: project.dir });
    expect(JSON.parse(approvedList.stdout)).toEqual([{ sender: 'carol', approvedAt: expect.any(Number) }]);
    const status = await runCliCaptured(['channels', 'status', '--url', h.url], { cwd: project.dir });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^fake\s+connected\s+0\/100\s+1\/0\/1\s+3\/0\/0$/m);
    expect(await runCliCaptured(['pairing', 'revoke', 'fake', 'carol', '--url', h.url], { cwd: project.dir })).toMatchObject({ code: 0, stdout: 'revoked carol on fake\n' });
    expect(await h.channel.inject({ sender: 'carol', text: 'still there?' })).toMatchObject({ status: 'pairing' });
    const twice = await runCliCaptured(['pairing', 'revoke', 'fake', 'carol', '--url', h.url], { cwd: project.dir });
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('NOT_FOUND "carol" is not an approved sender of channel "fake"');
  });

  it('without a gateway it edits the state file under the gateway lock; the next start tells the sender', async () => {
    const project = useTempDir();
    const port = await freePort();
    project.write('moltbot.config.json', JSON.stringify({ gateway: { port, auth: { mode: 'password', password: PASSWORD } } }));
    const stateDir = join(project.dir, '.state');
    const store = new PairingStore(stateDir);
    await store.load('fake');
    const { request } = (await store.request('fake', 'dave', 'Dave', 'dm-dave')) as { request: { code: string } };
    const { request: other } = (await store.request('fake', 'erin')) as { request: { code: string } };
    const list = await runCliCaptured(['pairing', 'list', '--json'], { cwd: project.dir });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).map((r: { sender: string }) => r.sender)).toEqual(['dave', 'erin']);
    const approve = await runCliCaptured(['pairing', 'approve', 'fake', request.code], { cwd: project.dir });
    expect(approve.stdout).toContain('approved dave on fake (no gateway running');
    expect((await runCliCaptured(['pairing', 'reject', 'fake', other.code], { cwd: project.dir })).code).toBe(0);
    const saved = JSON.parse(await readFile(join(stateDir, 'credentials', 'pairing', 'fake.json'), 'utf8'));
    expect(saved.pending).toEqual([]);
    expect(saved.approved).toEqual([expect.objectContaining({ sender: 'dave', notifyChatId: 'dm-dave' })]);
    expect((await runCliCaptured(['pairing', 'approve', 'fake', 'ZZZZZZZZ'], { cwd: project.dir })).code).toBe(1);
    expect((await runCliCaptured(['pairing', 'approved', 'fake'], { cwd: project.dir })).stdout).toMatch(/^dave \(Dave\)\s+approved \d{4}-/);

    // The gateway starts on that state dir: dave is told, once.
    const h = await startChannels({ env: { MOLTBOT_STATE_DIR: stateDir } });
    const [notice] = await h.channel.waitForSent(1);
    expect(notice).toMatchObject({ target: { chatId: 'dm-dave' }, text: expect.stringMatching(/approved/) });
    expect(h.channels.pairing.approved('fake')).toEqual(['dave']);
  });
});

describe('config implies channel plugins', () => {
  it('channels.<id> with no plugin channel-<id>: exit 78 naming the path', async () => {
    const project = useTempDir();
    project.write('moltbot.config.json', JSON.stringify({ channels: { nope: { enabled: true } } }));
    const result = await runCliCaptured(['config', 'validate'], { cwd: project.dir });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('channels.nope names no channel plugin (there is no plugin "channel-nope")');
    expect(result.stderr).toContain('Known channels: webchat');
    // The gateway itself refuses to start: exit 78, nothing listens.
    const port = await freePort();
    const gateway = await spawnCli(['gateway', '--port', String(port)], { cwd: project.dir, env: { CLAWDBOT_GATEWAY_PASSWORD: PASSWORD } });
    expect(gateway.code).toBe(78);
    expect(gateway.stderr).toContain('channels.nope');
    expect(await accepts(port)).toBe(false);
    // Disabled: nothing to load, no error.
    project.write('moltbot.config.json', JSON.stringify({ channels: { nope: { enabled: false } } }));
    expect((await runCliCaptured(['config', 'validate'], { cwd: project.dir })).code).toBe(0);
  });

  it('the section loads channel-<id>; its own keys are its options and errors name channels.<id>.<key>', async () => {
    const seen: unknown[] = [];
    const plugin = definePlugin({
      name: 'channel-demo',
      version: '1.0.0',
      schema: { type: 'object', additionalProperties: false, required: ['room'], properties: { room: { type: 'string', pattern: '^#' } } },
      setup(_ctx, options) {
        seen.push(options);
      },
    });
    const catalogue = { 'channel-demo': async () => ({ default: plugin }), channels: () => import('../../../plugins/channels/index.ts') };
    const boot = (section: Record<string, unknown>) => createKernel({ config: { channels: { demo: section } }, catalogue, impliedPlugins: channelPlugins(catalogue), logLevel: 'silent' });
    const ok = boot({ dmPolicy: 'allowlist', allowFrom: ['a'], room: '#lobby' });
    await ok.load();
    expect(seen).toEqual([{ room: '#lobby' }]);
    expect(ok.plugins().map((p) => [p.name, p.declaredAt])).toEqual([['channels', 'channels'], ['channel-demo', 'channels.demo']]);
    await ok.close();
    const bad = boot({ room: 'lobby', rooom: 1 });
    const error = await bad.load().then(() => undefined, (e: { message: string; path: string; code: string }) => e);
    expect(error?.code).toBe('MOLT_ERR_PLUGIN_OPTIONS_INVALID');
    expect(error?.path).toBe('channels.demo');
    expect(error?.message).toContain('channels.demo.room');
    expect(error?.message).toContain('channels.demo');
    expect(error?.message).toMatch(/rooom/);
  });
});
