import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { list as tarList } from 'tar';
import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import diagnosticsPlugin from '../../../plugins/diagnostics/index.ts';
import metricsPlugin from '../../../plugins/metrics/index.ts';
import { runCliCaptured } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { connectClient, startGateway } from '../gateway/helpers.ts';

describe('moltbot doctor', () => {
  it('--json: system facts and checks; --fix creates the state dir and narrows the config file', async () => {
    const { dir } = useTempDir();
    writeFileSync(join(dir, 'moltbot.config.json'), JSON.stringify({ preset: 'none', plugins: ['diagnostics'], gateway: { port: 1 } }), { mode: 0o644 });
    chmodSync(join(dir, 'moltbot.config.json'), 0o644);
    const first = await runCliCaptured(['doctor', '--json'], { cwd: dir });
    expect(first.stderr).toBe('');
    const report = JSON.parse(first.stdout) as { versions: { node: string }; checks: { id: string; severity: string; fixable: boolean }[] };
    expect(report.versions.node).toBe(process.versions.node);
    const ids = report.checks.map((c) => `${c.id}:${c.severity}${c.fixable ? ':fixable' : ''}`);
    expect(ids).toContain('fs.state_dir.missing:warning:fixable');
    expect(ids).toContain('config.valid:ok');
    expect(ids).toContain('node.version:ok');
    expect(ids.some((id) => id.startsWith('gateway.port:'))).toBe(true);

    const fixed = await runCliCaptured(['doctor', '--fix'], { cwd: dir });
    expect(fixed.stdout).toMatch(/^fixed fs\.state_dir\.missing\n/);
    expect(statSync(join(dir, '.state')).mode & 0o777).toBe(0o700);
    const again = await runCliCaptured(['doctor', '--fix', '--json'], { cwd: dir });
    const after = JSON.parse(again.stdout) as { fixes: { fixed: string[] }; checks: { id: string }[] };
    expect(after.fixes.fixed).toEqual(['fs.config.perms']);
    expect(statSync(join(dir, 'moltbot.config.json')).mode & 0o777).toBe(0o600);
    expect(after.checks.map((c) => c.id)).toContain('fs.permissions');
  });

  it('a config the gateway would refuse is a critical finding, not "config valid" (the guide\'s WhatsApp block without credentials)', async () => {
    const { dir } = useTempDir();
    mkdirSync(join(dir, '.state'), { mode: 0o700 });
    writeFileSync(join(dir, 'moltbot.config.json'), JSON.stringify({ gateway: { auth: { mode: 'token' } }, channels: { whatsapp: { enabled: true, dmPolicy: 'pairing', allowFrom: ['+1234567890'] } } }), { mode: 0o600 });
    const result = await runCliCaptured(['doctor', '--json'], { cwd: dir });
    expect(result.code, result.stderr).toBe(1);
    const checks = (JSON.parse(result.stdout) as { checks: { id: string; severity: string; description: string; recommendation?: string }[] }).checks;
    expect(checks.map((c) => c.id)).not.toContain('config.valid');
    const invalid = checks.find((c) => c.id === 'config.invalid');
    expect(invalid).toMatchObject({ severity: 'critical' });
    expect(invalid?.description).toContain('channels.whatsapp.phoneNumberId');
    expect(invalid?.recommendation).toContain('WHATSAPP_PHONE_NUMBER_ID');
  });

  it('names the seed config ~/.clawdbot/clawdbot.json when that is what was loaded', async () => {
    const { dir } = useTempDir();
    mkdirSync(join(dir, '.state'), { mode: 0o700 });
    writeFileSync(join(dir, '.state', 'clawdbot.json'), JSON.stringify({ gateway: { auth: { mode: 'token' } } }), { mode: 0o600 });
    const result = await runCliCaptured(['doctor'], { cwd: dir });
    expect(result.stdout).toContain(`ok       config.valid  ${join(dir, '.state', 'clawdbot.json')} passed every check`);
    expect(result.stdout).not.toContain('No config file');
    const validate = await runCliCaptured(['config', 'validate'], { cwd: dir });
    expect(validate.stdout).toMatch(new RegExp(`^Config OK: ${join(dir, '.state', 'clawdbot.json').replace(/[.]/g, '\\.')};`));
  });

  it('plugins contribute checks through diagnose; a critical one makes the exit code 1', async () => {
    const { dir } = useTempDir();
    mkdirSync(join(dir, '.state'), { mode: 0o700 });
    writeFileSync(join(dir, 'moltbot.config.mjs'), `export default { preset: 'none', plugins: ['diagnostics', { name: 'sick', version: '1.0.0', setup(ctx) { ctx.hooks.diagnose.tap('sick', (r) => r.add({ id: 'sick.worker', severity: 'critical', title: 'Worker down', description: 'the worker does not answer', recommendation: 'restart it' })); } }] };`, { mode: 0o600 });
    const result = await runCliCaptured(['doctor'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('CRITICAL sick.worker  Worker down\n         the worker does not answer\n         fix: restart it');
  });

  it('RPC diagnostics.report is declared admin-only and returns every plugin\'s checks', async () => {
    const sick = definePlugin({ name: 'sick', version: '1.0.0', setup(ctx) { ctx.hooks.diagnose.tap(ctx.name, (report) => report.add({ id: 'sick.ok', severity: 'ok', title: 't', description: 'd' })); } });
    const { url, service } = await startGateway({ extra: [diagnosticsPlugin, metricsPlugin, sick] });
    expect(service.methods().find((m) => m.name === 'diagnostics.report')?.scope).toBe('admin');
    const client = await connectClient(url);
    const response = await client.request('diagnostics.report');
    expect(response.ok).toBe(true);
    expect(response.payload.checks.map((c: { id: string }) => c.id)).toContain('sick.ok');
    expect(response.payload.heap.heap_size_limit).toBeGreaterThan(0);
    expect(response.payload.versions.node).toBe(process.versions.node);
  });
});

describe('moltbot doctor --bundle', () => {
  it('writes a 0600 tar.gz of report, audit and config with every secret masked', async () => {
    const canary = 'canary-bundle-secret-4e8a1f';
    const { dir } = useTempDir();
    mkdirSync(join(dir, '.state'), { mode: 0o700 });
    writeFileSync(join(dir, 'moltbot.config.json'), JSON.stringify({ preset: 'none', plugins: ['diagnostics', 'audit'], gateway: { port: 1, auth: { mode: 'password', password: '${GW_PW}' } } }), { mode: 0o600 });
    const result = await runCliCaptured(['doctor', '--bundle', 'support.tgz'], { cwd: dir, env: { GW_PW: canary } });
    expect(result.stdout).toContain(`support bundle: ${join(dir, 'support.tgz')}`);
    const archive = join(dir, 'support.tgz');
    expect(statSync(archive).mode & 0o777).toBe(0o600);
    const files = new Map<string, string>();
    await tarList({ file: archive, onReadEntry: (entry) => { const chunks: Buffer[] = []; entry.on('data', (c: Buffer) => chunks.push(c)); entry.on('end', () => files.set(entry.path, Buffer.concat(chunks).toString())); } } as Parameters<typeof tarList>[0]);
    expect([...files.keys()].sort()).toEqual(['audit.json', 'config.json', 'doctor.json']);
    for (const text of files.values()) expect(text).not.toContain(canary);
    expect(JSON.parse(files.get('config.json')!).gateway.auth.password).not.toBe(canary);
    expect(JSON.parse(files.get('doctor.json')!).checks.length).toBeGreaterThan(3);
    expect(JSON.parse(files.get('audit.json')!).summary).toBeDefined();
  });
});

describe('moltbot doctor --heap-snapshot', () => {
  it('writes a V8 heap snapshot (0600) under the state dir', async () => {
    const { dir } = useTempDir();
    mkdirSync(join(dir, '.state'), { mode: 0o700 });
    writeFileSync(join(dir, 'moltbot.config.json'), JSON.stringify({ preset: 'none', plugins: ['diagnostics'], gateway: { port: 1 } }), { mode: 0o600 });
    const result = await runCliCaptured(['doctor', '--json', '--heap-snapshot'], { cwd: dir });
    const { heapSnapshot } = JSON.parse(result.stdout) as { heapSnapshot: string };
    expect(heapSnapshot.startsWith(join(dir, '.state', 'diagnostics', 'heap-'))).toBe(true);
    expect(statSync(heapSnapshot).mode & 0o777).toBe(0o600);
    expect(readFileSync(heapSnapshot, 'utf8').slice(0, 12)).toBe('{"snapshot":');
  });
});
