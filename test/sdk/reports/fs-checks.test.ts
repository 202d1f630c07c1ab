/** State-dir and config-file permission checks (doctor and the security audit both run them). */
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsChecks, looseEntries } from '../../../sdk/reports/fs-checks.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const ids = (checks: { id: string; severity: string }[]) => checks.map((c) => `${c.id}:${c.severity}`);

describe.runIf(process.platform !== 'win32')('file permissions', () => {
  function fixture() {
    const { dir } = useTempDir();
    const state = join(dir, 'state');
    mkdirSync(join(state, 'sessions'), { recursive: true, mode: 0o700 });
    chmodSync(state, 0o700);
    writeFileSync(join(state, 'sessions', 'main.jsonl'), '{}\n', { mode: 0o600 });
    const config = join(dir, 'moltbot.config.json');
    writeFileSync(config, '{}', { mode: 0o600 });
    return { state, config };
  }

  it('tight modes give no finding', () => {
    const { state, config } = fixture();
    expect(fsChecks(state, [config])).toEqual([]);
  });

  it('loose state dir, files and config are found, and fix narrows them to 0700/0600', async () => {
    const { state, config } = fixture();
    chmodSync(state, 0o755);
    chmodSync(join(state, 'sessions', 'main.jsonl'), 0o644);
    chmodSync(config, 0o664);
    const checks = fsChecks(state, [config]);
    expect(ids(checks)).toEqual(['fs.state_dir.perms:warning', 'fs.state_files.perms:warning', 'fs.config.perms:critical']);
    for (const check of checks) await check.fix!();
    expect(statSync(state).mode & 0o777).toBe(0o700);
    expect(statSync(join(state, 'sessions', 'main.jsonl')).mode & 0o777).toBe(0o600);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(fsChecks(state, [config])).toEqual([]);
  });

  it('a world-writable state dir is critical; symlinks are not followed', () => {
    const { state, config } = fixture();
    chmodSync(state, 0o777);
    expect(ids(fsChecks(state, [config]))).toContain('fs.state_dir.perms:critical');
    expect(looseEntries(state)).toEqual([]);
  });

  it('does nothing on Windows, where modes are not permissions', () => {
    const { state, config } = fixture();
    chmodSync(state, 0o777);
    expect(fsChecks(state, [config], 'win32')).toEqual([]);
  });
});
