/** `moltbot doctor` (a CLI process that never starts the store) still checks the Redis session store. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../helpers/cli.ts';
import { freePort } from '../../helpers/net.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

describe('moltbot doctor: Redis session store', () => {
  it('an unreachable Redis is critical (exit 1), without the URL\'s password; a reachable one is reported', async () => {
    const { dir } = useTempDir();
    const write = (url: string) => writeFileSync(join(dir, 'moltbot.config.json'), JSON.stringify({
      preset: 'none', plugins: ['diagnostics', ['session-store-redis', { url, connectTimeoutMs: 300 }]],
    }), { mode: 0o600 });
    write(`redis://:doctor-canary-pw-93@127.0.0.1:${await freePort()}`);
    const down = await runCliCaptured(['doctor', '--json'], { cwd: dir });
    const check = (JSON.parse(down.stdout) as { checks: { id: string; severity: string; description: string }[] }).checks.find((c) => c.id === 'sessions.redis');
    expect(check).toMatchObject({ severity: 'critical', description: expect.stringContaining('unreachable') });
    expect(down.code).toBe(1);
    expect(down.stdout + down.stderr).not.toContain('doctor-canary-pw-93');

    write('redis://127.0.0.1:6379');
    const up = await runCliCaptured(['doctor', '--json'], { cwd: dir });
    const upCheck = (JSON.parse(up.stdout) as { checks: { id: string; severity: string }[] }).checks.find((c) => c.id === 'sessions.redis');
    expect(upCheck?.severity).toMatch(/^(ok|info|warning|critical)$/);
    expect((upCheck as { description?: string }).description).not.toContain('unreachable');
  });
});
