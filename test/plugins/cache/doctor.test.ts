/**
 * `moltbot doctor` (a CLI process that never starts the cache) shows every configured tier's
 * health: it probes the tiers' backends itself. A Redis tier on a closed port is degraded.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../helpers/cli.ts';
import { freePort } from '../../helpers/net.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const CANARY = 'doctor-redis-password-canary-41e9';

interface Check { id: string; severity: string; description: string; recommendation?: string }

function config(dir: string, redisUrl: string): void {
  writeFileSync(join(dir, 'moltbot.config.json'), JSON.stringify({
    preset: 'none',
    cache: { tiers: ['memory', 'redis'] },
    plugins: ['diagnostics', 'cache', 'cache-memory', ['cache-redis', { url: redisUrl, connectTimeoutMs: 300 }]],
  }), { mode: 0o600 });
}

describe('moltbot doctor: cache tiers', () => {
  it('a Redis tier on a closed port shows as degraded (with the error, never the URL\'s password); memory is ok', async () => {
    const { dir } = useTempDir();
    config(dir, `redis://:${CANARY}@127.0.0.1:${await freePort()}`);
    const result = await runCliCaptured(['doctor', '--json'], { cwd: dir });
    const checks = (JSON.parse(result.stdout) as { checks: Check[] }).checks.filter((c) => c.id.startsWith('cache.'));
    expect(checks.map((c) => `${c.id}:${c.severity}`).sort()).toEqual(['cache.tier.memory:ok', 'cache.tier.redis:warning']);
    const redis = checks.find((c) => c.id === 'cache.tier.redis')!;
    expect(redis.description).toMatch(/Redis/);
    expect(redis.recommendation).toContain('cache-redis');
    expect(result.stdout + result.stderr).not.toContain(CANARY);

    const text = await runCliCaptured(['doctor'], { cwd: dir });
    expect(text.stdout).toMatch(/WARNING\s+cache\.tier\.redis\s+Cache tier "redis" is degraded/);
  });

  it('a reachable Redis tier is ok', async () => {
    const { dir } = useTempDir();
    config(dir, 'redis://127.0.0.1:6379');
    const result = await runCliCaptured(['doctor', '--json'], { cwd: dir });
    const checks = (JSON.parse(result.stdout) as { checks: Check[] }).checks.filter((c) => c.id.startsWith('cache.'));
    expect(checks.map((c) => `${c.id}:${c.severity}`)).toEqual(['cache.tier.memory:ok', 'cache.tier.redis:ok']);
  });
});
