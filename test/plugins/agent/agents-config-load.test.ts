/**
 * `agents.list` + `bindings` through the real config loading: an OpenClaw-style config from the
 * peer's docs loads; unknown fields, duplicate ids and bad bindings are refused naming the path.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Check } from '../../../sdk/core/index.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { agentServiceRef } from '../../../sdk/agent/index.ts';

const plugins = ['session-store-file', 'provider-openai', 'agent', 'channels'];
const providers = { fake: { api: 'openai', baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k' } };

async function refusal(config: Record<string, unknown>): Promise<{ code: string; message: string; path?: string }> {
  try {
    await createTestKernel({ config: { providers, ...config, plugins } });
  } catch (error) {
    return error as { code: string; message: string; path?: string };
  }
  throw new Error('expected the config to be refused');
}

describe('agents config loading', () => {
  it("an OpenClaw-style agents.list + bindings config (the peer's multi-agent docs) loads", async () => {
    const kernel = await createTestKernel({
      config: {
        providers,
        agents: {
          defaults: { workspace: '/tmp/openclaw-ws', model: { primary: 'fake/sonnet', fallbacks: ['fake/haiku'] } },
          list: [
            { id: 'home', default: true, name: 'Home Agent', workspace: '/tmp/openclaw-ws/home', model: 'fake/opus' },
            { id: 'work', name: 'Work Agent', workspace: '/tmp/openclaw-ws/work', tools: { allow: ['read', 'sessions_list'], deny: ['exec'] }, skills: ['github'], identity: { name: 'Workbot', emoji: '💼' } },
          ],
        },
        bindings: [
          { agentId: 'home', match: { channel: 'whatsapp', accountId: 'personal' } },
          { agentId: 'work', match: { channel: 'whatsapp', accountId: 'biz' } },
          { agentId: 'work', match: { channel: 'telegram', peer: { kind: 'group', id: '-1001234567890' } } },
        ],
        session: { dmScope: 'per-channel-peer' },
        plugins,
      },
    });
    expect(kernel.config.agents.list).toHaveLength(2);
    expect(kernel.use(agentServiceRef).modelStatus().map((m) => m.ref).sort()).toEqual(['fake/haiku', 'fake/opus', 'fake/sonnet']);
  });

  it('an unknown field of an agents.list entry is refused naming its path', async () => {
    const error = await refusal({ agents: { list: [{ id: 'a' }, { id: 'b', modle: 'fake/x' }] } });
    expect(error.code).toBe('MOLT_ERR_CONFIG_INVALID');
    expect(error.message).toContain('agents.list[1]');
    expect(error.message).toContain('modle');
  });

  it('duplicate agent ids and a binding to an unknown agent are refused at load, naming the paths', async () => {
    const duplicate = await refusal({ agents: { list: [{ id: 'a' }, { id: 'a' }] } });
    expect(duplicate).toMatchObject({ code: 'MOLT_ERR_CONFIG_INVALID', path: 'agents.list[1].id' });
    expect(duplicate.message).toContain('agents.list[0].id');
    const unknown = await refusal({ agents: { list: [{ id: 'a' }] }, bindings: [{ agentId: 'b', match: { channel: 'irc' } }] });
    expect(unknown).toMatchObject({ code: 'MOLT_ERR_CONFIG_INVALID', path: 'bindings[0].agentId' });
  });

  it('doctor checks each agent: model configured, workspace writable, bindings reachable', async () => {
    const workspace = join(useTempDir().dir, 'ws-ok');
    mkdirSync(workspace);
    const doctor = await createTestKernel({
      config: {
        providers,
        agent: { model: 'fake/main' },
        agents: { list: [
          { id: 'ok', model: 'fake/ok', workspace },
          { id: 'lost', model: 'nowhere/model', workspace: join(workspace, 'missing') },
        ] },
        bindings: [{ agentId: 'ok', match: { channel: 'webchat' } }, { agentId: 'lost', match: { channel: 'telegram' } }],
        plugins,
      },
    });
    const checks: Check[] = [];
    await doctor.hooks.diagnose.promise({ add: (check) => void checks.push(check) });
    const byId = (id: string) => checks.find((check) => check.id === id);
    expect(byId('agents.ok.model')).toMatchObject({ severity: 'ok' });
    expect(byId('agents.ok.workspace')).toMatchObject({ severity: 'ok' });
    expect(byId('agents.ok.bindings')).toMatchObject({ severity: 'ok' });
    expect(byId('agents.lost.model')).toMatchObject({ severity: 'critical', description: expect.stringContaining('provider "nowhere" is unknown') });
    expect(byId('agents.lost.workspace')).toMatchObject({ severity: 'warning', description: expect.stringContaining('does not exist') });
    expect(byId('agents.lost.bindings')).toMatchObject({ severity: 'warning', description: expect.stringContaining('bindings[1] matches channel "telegram", which is not configured') });
    // main is the default agent: reachable by every unmatched message, no bindings check.
    expect(byId('agents.main.bindings')).toBeUndefined();
  });

  it("backups include every agent's workspace beside the main one and the sessions of all agents", async () => {
    const kernel = await createTestKernel({
      config: {
        providers,
        agent: { model: 'fake/main', workspace: '/srv/ws' },
        agents: { list: [{ id: 'work', workspace: '/srv/work' }, { id: 'twin', workspace: '/srv/work' }, { id: 'inner', workspace: '/srv/ws/inner' }, { id: 'derived' }] },
        plugins: [...plugins, 'backup'],
      },
    });
    const sources = kernel.hooks.backupSources.call([
      { name: 'workspace', path: '/srv/ws', plugin: 'backup' },
      { name: 'sessions', path: join(kernel.paths.stateDir, 'state', 'agents'), plugin: 'backup' },
    ]);
    expect(sources.map((source) => [source.name, source.path])).toEqual(expect.arrayContaining([
      ['workspace-work', '/srv/work'],
      ['workspace-derived', '/srv/ws-derived'],
      ['sessions', join(kernel.paths.stateDir, 'state', 'agents')],
    ]));
    expect(sources.some((source) => source.name === 'workspace-twin' || source.name === 'workspace-inner')).toBe(false);
  });
});
