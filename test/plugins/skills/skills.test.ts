/**
 * The skills plugin in a real gateway + agent with the fake provider: available skills in the
 * system prompt, unmet ones hidden, bodies read through skill_read, path escapes refused,
 * precedence with shadowing, plugin-provided dirs, edits picked up on the next run, and the CLI.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { skillsServiceRef } from '../../../plugins/skills/index.ts';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import { getSkillsHooks, type SkillsService } from '../../../plugins/skills/index.ts';
import { runCliCaptured } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { chat, startAgent } from '../agent/harness.ts';

const skill = (name: string, description: string, extra = '', body = `# ${name}\nSteps for ${name}.\n`) => `---\nname: ${name}\ndescription: ${description}\n${extra}---\n${body}`;

function seedWorkspace(write: (path: string, content: string) => string): void {
  write('ws/skills/weather/SKILL.md', skill('weather', 'Get the weather forecast with curl', 'requires:\n  bins: [sh]\n', '# Weather\nRun the forecast script in scripts/forecast.sh.\n'));
  write('ws/skills/weather/scripts/forecast.sh', 'echo sunny\n');
  write('ws/skills/needs-key/SKILL.md', skill('needs-key', 'Uses a secret API', 'requires:\n  env: [MOLTBOT_TEST_SKILL_UNSET_KEY]\n'));
  write('ws/skills/broken/SKILL.md', '---\nname: broken\n---\nno description\n');
  write('ws/secret.txt', 'TOP SECRET outside the skill folder\n');
}

const systemOf = (body: any): string => body.messages.find((m: any) => m.role === 'system')?.content ?? '';
const toolResults = (body: any): string[] => body.messages.filter((m: any) => m.role === 'tool').map((m: any) => m.content);

describe('skills plugin', () => {
  it('lists available skills in the prompt, hides unmet and invalid ones, serves bodies through skill_read', async () => {
    const { dir, write } = useTempDir();
    seedWorkspace(write);
    const h = await startAgent({ agent: { workspace: join(dir, 'ws') }, extra: ['skills'] });
    const client = await h.client();
    h.fake.script({ toolCall: { name: 'skill_read', args: { name: 'weather' } } }, { text: 'done' });
    const { final } = await chat(client, 'what is the weather?');
    expect(final.payload).toMatchObject({ status: 'ok', text: 'done' });
    const first = h.fake.requests.at(-2)!.body;
    const system = systemOf(first);
    expect(system).toContain('## Skills');
    expect(system).toContain('- weather: Get the weather forecast with curl');
    expect(system).not.toContain('needs-key');
    expect(system).not.toContain('broken');
    expect(first.tools.map((t: any) => t.function.name)).toContain('skill_read');
    const [result] = toolResults(h.fake.requests.at(-1)!.body);
    expect(JSON.parse(result!)).toMatchObject({ skill: 'weather', file: 'SKILL.md', files: ['scripts/forecast.sh'] });
    expect(JSON.parse(result!).content).toContain('Run the forecast script');

    const service = h.kernel.use(skillsServiceRef);
    const byName = Object.fromEntries((await service.list()).map((r) => [r.name, r]));
    expect(byName['needs-key']).toMatchObject({ status: 'unavailable', reasons: ['environment variable MOLTBOT_TEST_SKILL_UNSET_KEY is not set'] });
    expect(byName.broken).toMatchObject({ status: 'invalid', reasons: ['"description" must be a non-empty string'] });
    const checks: any[] = [];
    await h.kernel.hooks.diagnose.promise({ add: (check) => checks.push(check) });
    expect(checks.find((c) => c.id === 'skills.invalid')).toMatchObject({ severity: 'warning', description: `${join(dir, 'ws', 'skills', 'broken', 'SKILL.md')}: "description" must be a non-empty string` });
  });

  it("each agent of agents.list sees its own workspace's skills, never another agent's", async () => {
    const { dir, write } = useTempDir();
    write('ws/skills/payroll/SKILL.md', skill('payroll', 'Run the payroll (main agent only)'));
    write('guest/skills/tea/SKILL.md', skill('tea', 'Brew green tea'));
    const h = await startAgent({
      agent: { workspace: join(dir, 'ws') },
      agents: { list: [{ id: 'guest', model: 'fake/primary', workspace: join(dir, 'guest') }] },
      extra: ['skills'],
    });
    const client = await h.client();
    h.fake.script({ toolCall: { name: 'skill_read', args: { name: 'payroll' } } }, { text: 'done' });
    await chat(client, 'pay everyone', 'agent:guest:main');
    const system = systemOf(h.fake.requests.at(-2)!.body);
    expect(system).toContain('- tea: Brew green tea');
    expect(system).not.toContain('payroll');
    expect(toolResults(h.fake.requests.at(-1)!.body)[0]).not.toContain('Steps for payroll');
    await chat(client, 'and you?', 'agent:main:main');
    expect(systemOf(h.fake.requests.at(-1)!.body)).toContain('- payroll: Run the payroll');
    expect(systemOf(h.fake.requests.at(-1)!.body)).not.toContain('tea');
  });

  it('refuses path escapes, symlinks out of the folder and unavailable skills', async () => {
    const { dir, write } = useTempDir();
    seedWorkspace(write);
    symlinkSync(join(dir, 'ws', 'secret.txt'), join(dir, 'ws', 'skills', 'weather', 'link.txt'));
    const h = await startAgent({ agent: { workspace: join(dir, 'ws') }, extra: ['skills'] });
    const tool = h.agent.tools.get('skill_read')!;
    const context = { runId: 'r', sessionKey: 'agent:main:main', signal: new AbortController().signal };
    await expect(Promise.resolve(tool.handler({ name: 'weather', file: '../../secret.txt' }, context))).rejects.toThrow(/outside the skill folder/);
    await expect(Promise.resolve(tool.handler({ name: 'weather', file: join(dir, 'ws', 'secret.txt') }, context))).rejects.toThrow(/outside the skill folder/);
    await expect(Promise.resolve(tool.handler({ name: 'weather', file: 'link.txt' }, context))).rejects.toThrow(/symlink leading outside the skill folder/);
    await expect(Promise.resolve(tool.handler({ name: 'needs-key' }, context))).rejects.toThrow(/skill "needs-key" is unavailable: environment variable MOLTBOT_TEST_SKILL_UNSET_KEY is not set/);
    await expect(Promise.resolve(tool.handler({ name: 'nope' }, context))).rejects.toMatchObject({ code: 'MOLT_ERR_SKILL_NOT_FOUND' });
    // Through a run, the refusal is a tool error the model sees, and the secret never leaves.
    const client = await h.client();
    h.fake.script({ toolCall: { name: 'skill_read', args: { name: 'weather', file: '../../secret.txt' } } }, { text: 'ok' });
    await chat(client, 'read it');
    const [result] = toolResults(h.fake.requests.at(-1)!.body);
    expect(result).toMatch(/outside the skill folder/);
    expect(JSON.stringify(h.fake.requests.map((r) => r.body))).not.toContain('TOP SECRET');
    // The audit names the link; a symlinked skill folder leading out is not loaded at all.
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'ws', 'skills', 'linked'));
    write('elsewhere/SKILL.md', skill('linked', 'Outside the workspace'));
    expect((await (h.kernel.use(skillsServiceRef)).list()).map((r) => r.name)).not.toContain('linked');
    const findings: any[] = [];
    await h.kernel.hooks.audit.promise({ add: (finding) => findings.push(finding) });
    expect(findings.find((f) => f.id === 'skills.workspace.symlink_escape')).toMatchObject({
      severity: 'warning',
      description: expect.stringContaining(`skills/linked -> ${join(dir, 'elsewhere')}`),
    });
    // link.txt points inside the workspace: skill_read refuses it, the audit does not flag it.
    expect(findings.find((f) => f.id === 'skills.workspace.symlink_escape').description).not.toContain('link.txt');
  });

  it('precedence: workspace > managed > plugin dirs; the shadowed copy is reported; edits show on the next run', async () => {
    const { dir, write } = useTempDir();
    write('ws/skills/notes/SKILL.md', skill('notes', 'Workspace notes skill'));
    write('plug/notes/SKILL.md', skill('notes', 'Plugin notes skill'));
    write('plug/deploy/SKILL.md', skill('deploy', 'Deploy from a plugin'));
    const contributor = definePlugin({
      name: 'skill-pack', version: '1.0.0', dependencies: ['skills'],
      setup(ctx) {
        getSkillsHooks(ctx).dirs.tap(ctx.name, (dirs) => [...dirs, { plugin: ctx.name, dir: join(dir, 'plug') }]);
      },
    });
    const h = await startAgent({ agent: { workspace: join(dir, 'ws') }, extra: ['skills', contributor] });
    mkdirSync(join(h.kernel.paths.stateDir, 'skills', 'notes'), { recursive: true });
    writeFileSync(join(h.kernel.paths.stateDir, 'skills', 'notes', 'SKILL.md'), skill('notes', 'Managed notes skill'));
    const rows = (await (h.kernel.use(skillsServiceRef)).list()).map((r) => [r.name, r.source, r.status]);
    expect(rows).toEqual([['notes', 'workspace', 'available'], ['notes', 'managed', 'shadowed'], ['deploy', 'plugin:skill-pack', 'available'], ['notes', 'plugin:skill-pack', 'shadowed']]);

    const client = await h.client();
    await chat(client, 'hi');
    expect(systemOf(h.fake.requests.at(-1)!.body)).toContain('- notes: Workspace notes skill');
    write('ws/skills/notes/SKILL.md', skill('notes', 'Edited description, longer than before'));
    await chat(client, 'again');
    expect(systemOf(h.fake.requests.at(-1)!.body)).toContain('- notes: Edited description, longer than before');
  });
});

describe('moltbot skills', () => {
  it('list shows every status with reasons; check exits 1 on an invalid skill; info names the requirements', async () => {
    const { dir, write } = useTempDir();
    // The embedded preset (skills included); only the workspace is configured.
    write('moltbot.config.json', JSON.stringify({ agent: { workspace: join(dir, 'clawd') } }));
    write('clawd/skills/weather/SKILL.md', skill('weather', 'Forecasts', 'requires:\n  bins: [sh]\n'));
    write('clawd/skills/needs-key/SKILL.md', skill('needs-key', 'Secret API', 'requires:\n  env: [MOLTBOT_TEST_SKILL_UNSET_KEY]\n'));
    const ok = await runCliCaptured(['skills', 'check'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('unavailable: needs-key: environment variable MOLTBOT_TEST_SKILL_UNSET_KEY is not set');
    expect(ok.stdout).toContain('2 skills: 1 available, 1 unavailable, 0 shadowed, 0 disabled, 0 invalid');

    write('clawd/skills/broken/SKILL.md', 'no front matter at all\n');
    const list = await runCliCaptured(['skills', 'list'], { cwd: dir });
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n').map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual(expect.arrayContaining(['weather available workspace', 'needs-key unavailable workspace', 'broken invalid workspace']));
    const check = await runCliCaptured(['skills', 'check'], { cwd: dir });
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/invalid: .*broken\/SKILL\.md: no YAML front matter/);
    const info = await runCliCaptured(['skills', 'info', 'needs-key'], { cwd: dir });
    expect(info.stdout).toContain('needs-key  [unavailable]  from workspace');
    expect(info.stdout).toContain('env=MOLTBOT_TEST_SKILL_UNSET_KEY');
    expect((await runCliCaptured(['skills', 'info', 'nope'], { cwd: dir })).code).toBe(1);
  });
});
