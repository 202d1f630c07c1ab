import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { backupServiceRef } from '../../../plugins/backup/index.ts';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import { createTestKernel } from '../../../app/testing.ts';
import type { Alert } from '../../../core/hook-types.ts';
import backup, { type BackupService } from '../../../plugins/backup/index.ts';
import { EMBEDDED_PRESET } from '../../../app/catalogue.ts';
import { runCliCaptured } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const memoryPlugin = (path: string) => definePlugin({
  name: 'memory-index',
  version: '1.0.0',
  setup(ctx) {
    ctx.hooks.backupSources.tap('memory-index', (sources) => [...sources, { name: 'memory-index', path, plugin: 'memory-index' }]);
  },
});

describe('backup plugin', () => {
  it('is in the embedded preset', () => {
    expect(EMBEDDED_PRESET).toContain('backup');
  });

  it('archives the default sources plus what plugins add through backupSources', async () => {
    const { dir } = useTempDir('moltbot-backup-plugin-');
    writeFileSync(join(dir, 'index.db'), 'vectors');
    mkdirSync(join(dir, 'ws'));
    writeFileSync(join(dir, 'ws/AGENTS.md'), '# hi');
    const kernel = await createTestKernel({ config: { agent: { workspace: join(dir, 'ws') } }, plugins: [backup, memoryPlugin(join(dir, 'index.db'))] });
    const service = kernel.use(backupServiceRef);
    expect(service.sources().map((s) => [s.name, s.plugin])).toEqual([
      ['config', 'backup'], ['workspace', 'backup'], ['sessions', 'backup'], ['memory-index', 'memory-index'],
    ]);
    expect(service.dir).toBe(join(kernel.tempDir, 'state', 'backups'));
    const created = await service.create();
    const report = await service.verify(created.path);
    expect(report.manifest?.files.map((f) => f.path)).toEqual(['payload/memory-index/index.db', 'payload/workspace/AGENTS.md']);
  });

  it('refuses two sources with one name, naming the plugin', async () => {
    const kernel = await createTestKernel({ plugins: [backup, memoryPlugin('/a'), definePlugin({
      name: 'dup', version: '1.0.0',
      setup: (ctx) => ctx.hooks.backupSources.tap('dup', (s) => [...s, { name: 'workspace', path: '/b', plugin: 'dup' }]),
    })] });
    expect(() => (kernel.use(backupServiceRef)).sources()).toThrowErrorMatchingInlineSnapshot(`[MoltbotError: backup source "workspace" from plugin "dup" needs a unique kebab-case name]`);
  });

  it('runs backup.schedule inside the started kernel and alerts when a run fails', async () => {
    const { dir } = useTempDir('moltbot-backup-plugin-');
    mkdirSync(join(dir, 'ws'));
    const alerts: Alert[] = [];
    const sink = definePlugin({ name: 'sink', version: '1.0.0', setup: (ctx) => ctx.hooks.alert.tap('sink', (a) => void alerts.push(a)) });
    // backup.dir inside the workspace: every scheduled run fails with MOLT_ERR_BACKUP_SOURCE.
    const kernel = await createTestKernel({
      config: { agent: { workspace: join(dir, 'ws') }, backup: { dir: join(dir, 'ws/backups'), schedule: '1s' } },
      plugins: [backup, sink],
    });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(alerts[0]).toMatchObject({ id: 'backup.failed', severity: 'critical', state: 'firing', data: { code: 'MOLT_ERR_BACKUP_SOURCE' } });
    expect(kernel.logs.some((line) => line.plugin === 'backup' && line.level === 50)).toBe(true);
  });

  it('rejects a schedule it cannot run, at config validation', async () => {
    await expect(createTestKernel({ config: { backup: { schedule: '0 3 * * *' } }, plugins: [backup] })).rejects.toMatchObject({ code: 'MOLT_ERR_CONFIG_INVALID' });
  });
});

describe('moltbot backup (CLI)', () => {
  function project() {
    const { dir } = useTempDir('moltbot-backup-cli-');
    mkdirSync(join(dir, '.state'), { recursive: true });
    writeFileSync(join(dir, '.state/clawdbot.json'), JSON.stringify({ agent: { workspace: join(dir, 'clawd') } }));
    mkdirSync(join(dir, 'clawd'));
    writeFileSync(join(dir, 'clawd/AGENTS.md'), '# agents\n');
    return dir;
  }

  it('create, list, verify, restore --to, prune', async () => {
    const cwd = project();
    const created = await runCliCaptured(['backup', 'create', '--json'], { cwd });
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const { path, name, files } = JSON.parse(created.stdout) as { path: string; name: string; files: number };
    expect(files).toBe(2);
    expect((await runCliCaptured(['backup', 'list'], { cwd })).stdout).toContain(name);
    expect(await runCliCaptured(['backup', 'verify', name], { cwd })).toMatchObject({ code: 0, stdout: `ok: ${name} (2 files match the manifest)\n` });
    const restored = await runCliCaptured(['backup', 'restore', path, '--to', 'restored'], { cwd });
    expect(restored).toMatchObject({ code: 0, stdout: `restored 2 files into ${join(cwd, 'restored')}\n` });
    expect(readFileSync(join(cwd, 'restored/workspace/AGENTS.md'), 'utf8')).toBe('# agents\n');
    expect((await runCliCaptured(['backup', 'prune'], { cwd })).stdout).toBe('1 kept, 0 deleted\n');
  });

  it('exits 1 on a damaged archive and on a refused restore, with the reason on stderr', async () => {
    const cwd = project();
    writeFileSync(join(cwd, 'bad.tar.gz'), 'garbage', { mode: 0o600 });
    const verify = await runCliCaptured(['backup', 'verify', './bad.tar.gz'], { cwd });
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatchInlineSnapshot(`
      "damaged: archive is damaged: incorrect header check
      "
    `);
    const restore = await runCliCaptured(['backup', 'restore', './bad.tar.gz'], { cwd });
    expect(restore.code).toBe(1);
    expect(restore.stderr).toMatchInlineSnapshot(`
      "MOLT_ERR_BACKUP_TARGET: restore needs a target folder (--to <dir>) or --in-place
        at plugin "backup"
        fix: Restore into a new or empty folder outside the state dir (\`--to <dir>\`), or use \`--in-place\`.
      "
    `);
    expect(readdirSync(cwd).sort()).toEqual(['.state', 'bad.tar.gz', 'clawd']);
  });
});

describe('backup sources declared twice', () => {
  it('keeps one source when a plugin names a default source with the same path', async () => {
    const kernel = await createTestKernel({ plugins: [backup, definePlugin({
      name: 'store', version: '1.0.0',
      setup: (ctx) => ctx.hooks.backupSources.tap('store', (s) => [...s, { name: 'sessions', path: join(ctx.paths.stateDir, 'state', 'agents'), plugin: 'store' }]),
    })] });
    expect((kernel.use(backupServiceRef)).sources().map((s) => `${s.name}:${s.plugin}`)).toEqual(['config:backup', 'workspace:backup', 'sessions:store']);
  });
});
