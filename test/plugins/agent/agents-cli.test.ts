/** `moltbot agents list | show | add | remove`: reads the config; add/remove rewrite a JSON config file safely. */
import { readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

describe('moltbot agents', () => {
  it('add, list, show and remove edit the JSON config file (mode kept, ${VAR} references untouched)', async () => {
    const { dir } = useTempDir();
    const file = join(dir, 'moltbot.config.json');
    writeFileSync(file, JSON.stringify({ agent: { model: 'fake/main', workspace: join(dir, 'ws') }, providers: { fake: { api: 'openai', baseURL: 'http://127.0.0.1:9/v1', apiKey: '${FAKE_KEY}' } } }));
    chmodSync(file, 0o600);
    const env = { FAKE_KEY: 'secret-canary-value' };

    const added = await runCliCaptured(['agents', 'add', 'work', '--model', 'fake/work', '--name', 'Work', '--bind', 'irc:alice'], { cwd: dir, env });
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(written.agents.list).toEqual([{ id: 'work', name: 'Work', model: 'fake/work' }]);
    expect(written.bindings).toEqual([{ agentId: 'work', match: { channel: 'irc', peer: 'alice' } }]);
    expect(written.providers.fake.apiKey).toBe('${FAKE_KEY}');
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const list = await runCliCaptured(['agents', 'list', '--json'], { cwd: dir, env });
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ id: 'main', default: true, model: 'fake/main', bindings: 0 }),
      expect.objectContaining({ id: 'work', name: 'Work', model: 'fake/work', workspace: `${join(dir, 'ws')}-work`, bindings: 1, sessions: join(dir, '.state', 'state', 'agents', 'work', 'sessions') }),
    ]);
    const show = await runCliCaptured(['agents', 'show', 'work'], { cwd: dir, env });
    expect(JSON.parse(show.stdout)).toMatchObject({ id: 'work', bindings: [{ agentId: 'work', match: { channel: 'irc', peer: 'alice' } }] });

    const twice = await runCliCaptured(['agents', 'add', 'work'], { cwd: dir, env });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('agent "work" already exists');
    const badModel = await runCliCaptured(['agents', 'add', 'x', '--model', 'no-slash'], { cwd: dir, env });
    expect(badModel.code).toBe(2);
    expect(badModel.stderr).toContain('/agents/list/1/model');
    expect(JSON.parse(readFileSync(file, 'utf8')).agents.list).toHaveLength(1);

    const bound = await runCliCaptured(['agents', 'remove', 'work'], { cwd: dir, env });
    expect(bound.code).toBe(2);
    expect(bound.stderr).toContain('pass --bindings');
    const removed = await runCliCaptured(['agents', 'remove', 'work', '--bindings'], { cwd: dir, env });
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(join(dir, '.state', 'state', 'agents', 'work'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ agents: { list: [] }, bindings: [] });
    expect((await runCliCaptured(['agents', 'remove', 'main'], { cwd: dir, env })).code).toBe(2);
  });
});
