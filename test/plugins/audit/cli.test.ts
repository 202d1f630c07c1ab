import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const CANARY = 'canary-secret-0b9e77c2d4';

function project(config: object) {
  const { dir } = useTempDir();
  writeFileSync(join(dir, 'moltbot.config.json'), JSON.stringify(config), { mode: 0o644 });
  mkdirSync(join(dir, '.state'), { mode: 0o755 });
  chmodSync(join(dir, '.state'), 0o755);
  return dir;
}

describe('moltbot security audit', () => {
  it('--json lists findings with stable ids, exits 1 on a critical one, never prints a secret', async () => {
    const cwd = project({ preset: 'none', plugins: ['audit'], gateway: { auth: { mode: 'password', password: CANARY.slice(0, 9) }, controlUi: { allowedOrigins: ['*'] } }, channels: { telegram: { dmPolicy: 'open', allowFrom: ['*'] } } });
    const result = await runCliCaptured(['security', 'audit', '--json'], { cwd });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as { findings: { id: string; severity: string; fixable: boolean }[]; summary: Record<string, number> };
    expect(parsed.findings.map((f) => `${f.id}:${f.severity}${f.fixable ? ':fixable' : ''}`)).toEqual([
      'channels.telegram.dm.open:critical',
      'config.secrets.in_config_file:warning',
      'fs.config.perms:warning:fixable',
      'fs.state_dir.perms:warning:fixable',
      'gateway.control_ui.allowed_origins_wildcard:warning',
      'gateway.password_too_short:warning',
      'security.exposure.open_channels_with_exec.telegram:warning',
    ]);
    expect(parsed.summary).toEqual({ critical: 1, warning: 6, info: 0, ok: 0 });
    expect(result.stdout).not.toContain(CANARY.slice(0, 9));
  });

  it('--fix narrows the permissions and audits again', async () => {
    const cwd = project({ preset: 'none', plugins: ['audit'], gateway: { auth: { mode: 'password', password: '${GW_PASSWORD}' } } });
    const result = await runCliCaptured(['security', 'audit', '--fix'], { cwd, env: { GW_PASSWORD: 'a-long-and-random-password' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^fixed fs\.config\.perms\nfixed fs\.state_dir\.perms\nmoltbot security audit\n\n0 critical, 0 warning, 0 info\n$/);
    expect(statSync(join(cwd, 'moltbot.config.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(cwd, '.state')).mode & 0o777).toBe(0o700);
  });
});
