import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { diskCheck, memoryCheck, nodeCheck, portCheck, stateDirChecks } from '../../../plugins/diagnostics/checks.ts';
import { systemInfo } from '../../../plugins/diagnostics/system-info.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const GiB = 1024 ** 3;
const sev = (check: { id: string; severity: string }) => `${check.id}:${check.severity}`;

describe('doctor checks (state in → id and severity out)', () => {
  it('Node version against the engines range', () => {
    expect(sev(nodeCheck('24.21.0'))).toBe('node.version:ok');
    expect(sev(nodeCheck('20.11.1'))).toBe('node.version:critical');
    expect(nodeCheck('20.11.1').recommendation).toBe('Install Node >=24 (e.g. `nvm install 24`).');
  });

  it('free memory', () => {
    expect(sev(memoryCheck({ totalBytes: 16 * GiB, freeBytes: 8 * GiB }))).toBe('system.memory_low:ok');
    expect(sev(memoryCheck({ totalBytes: 16 * GiB, freeBytes: 1.2 * GiB }))).toBe('system.memory_low:warning');
    expect(sev(memoryCheck({ totalBytes: 16 * GiB, freeBytes: 0.5 * GiB }))).toBe('system.memory_low:critical');
  });

  it('free disk', () => {
    expect(sev(diskCheck({ path: '/s', totalBytes: 100 * GiB, freeBytes: 50 * GiB, usedBytes: 50 * GiB }))).toBe('storage.disk_low:ok');
    expect(sev(diskCheck({ path: '/s', totalBytes: 100 * GiB, freeBytes: 5 * GiB, usedBytes: 95 * GiB }))).toBe('storage.disk_low:warning');
    expect(sev(diskCheck({ path: '/s', totalBytes: 100 * GiB, freeBytes: 1 * GiB, usedBytes: 99 * GiB }))).toBe('storage.disk_low:critical');
    // A root reserve (here 72 GiB) is neither free nor used, as in df: 8 GiB free of 28 usable is
    // 29 % free, ok (over the raw size it read 8 %, a warning).
    expect(sev(diskCheck({ path: '/s', totalBytes: 100 * GiB, freeBytes: 8 * GiB, usedBytes: 20 * GiB }))).toBe('storage.disk_low:ok');
    expect(diskCheck({ path: '/s', totalBytes: 100 * GiB, freeBytes: 5 * GiB, usedBytes: 95 * GiB }).description).toBe('5.0 GiB free of 100.0 GiB usable (5.0% free, df Use% 95%) on the filesystem of /s.');
    // The percentage belongs to the sizes printed next to it: with a root reserve, "71 GiB free of
    // 252 GiB (70%)" read as a wrong sum; the usable size (used + free, as df) makes it add up.
    expect(diskCheck({ path: '/s', totalBytes: 100 * GiB, freeBytes: 8 * GiB, usedBytes: 20 * GiB }).description).toBe('8.0 GiB free of 28.0 GiB usable (28.6% free, df Use% 72%) on the filesystem of /s.');
  });

  it('gateway port: free, held by another process, held by this state dir\'s gateway', async () => {
    const { dir } = useTempDir();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as { port: number };
    expect(sev(await portCheck('127.0.0.1', port, dir))).toBe('gateway.port:warning');
    writeFileSync(join(dir, 'gateway.lock'), JSON.stringify({ pid: process.pid, host: 'h', startedAt: 'now' }));
    expect(sev(await portCheck('127.0.0.1', port, dir))).toBe('gateway.port:info');
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const freePort = (free.address() as { port: number }).port;
    await new Promise<void>((resolve) => free.close(() => resolve()));
    expect(sev(await portCheck('127.0.0.1', freePort, dir))).toBe('gateway.port:ok');
  });

  it.runIf(process.platform !== 'win32')('state dir missing → fix creates it 0700; loose modes → fix narrows them', async () => {
    const { dir } = useTempDir();
    const state = join(dir, 'state');
    const [missing] = stateDirChecks(state, []);
    expect(sev(missing!)).toBe('fs.state_dir.missing:warning');
    await missing!.fix!();
    expect(statSync(state).mode & 0o777).toBe(0o700);
    expect(stateDirChecks(state, []).map(sev)).toEqual(['fs.permissions:ok']);
    chmodSync(state, 0o750);
    const seed = join(state, 'clawdbot.json');
    writeFileSync(seed, '{}', { mode: 0o644 });
    chmodSync(seed, 0o644);
    const loose = stateDirChecks(state, [seed]);
    expect(loose.map(sev)).toEqual(['fs.state_dir.perms:warning', 'fs.config.perms:warning']);
    for (const check of loose) await check.fix!();
    expect(statSync(seed).mode & 0o777).toBe(0o600);
    expect(stateDirChecks(state, [seed]).map(sev)).toEqual(['fs.permissions:ok']);
  });

  it('a state dir this user cannot write is critical', () => {
    const { dir } = useTempDir();
    const state = join(dir, 'state');
    mkdirSync(state, { mode: 0o700 });
    // Tests run as root here, and root may write anywhere: the OS's refusal is what is injected.
    const refuse = (path: string) => { throw Object.assign(new Error(`EACCES: permission denied, access '${path}'`), { code: 'EACCES' }); };
    expect(stateDirChecks(state, [], refuse).map(sev)).toEqual(['fs.state_dir.unwritable:critical']);
    expect(stateDirChecks(state, []).map(sev)).toEqual(['fs.permissions:ok']);
  });

  it('system info is read from the machine', () => {
    const { dir } = useTempDir();
    mkdirSync(join(dir, 'x'));
    const info = systemInfo(join(dir, 'x', 'not-yet'));
    expect(info.versions.node).toBe(process.versions.node);
    expect(info.process.pid).toBe(process.pid);
    expect(info.system.cpus).toBeGreaterThan(0);
    expect(info.storage.totalBytes).toBeGreaterThan(info.storage.freeBytes);
    expect(existsSync(join(dir, 'x', 'not-yet'))).toBe(false);
  });
});
