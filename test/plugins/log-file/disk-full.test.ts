/**
 * The log file on a full disk: a line the disk takes only part of is cut back off (never a torn
 * line for the next one to glue onto), the failure is a clear MOLT_ERR_STORE_NO_SPACE, and the
 * plugin writes how many lines it dropped once the disk takes lines again. Injected short writes
 * for the unit cases, a real tmpfs for the plugin.
 */
import { readFileSync, writeFileSync, writeSync } from 'node:fs';
import { logFileServiceRef } from '../../../plugins/log-file/index.ts';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isMoltbotError } from '../../../core/errors.ts';
import { createTestKernel } from '../../../app/testing.ts';
import logFile from '../../../plugins/log-file/index.ts';
import { openRotatingFile } from '../../../plugins/log-file/rotating-file.ts';
import { faultyWriteSync } from '../../helpers/faulty-file.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { mountTmpfs, type Tmpfs } from '../../helpers/tmpfs.ts';

const line = (msg: string) => JSON.stringify({ level: 30, time: 1, plugin: 'test', msg });

describe('rotating log file on a failing disk (injected write)', () => {
  it.each(['short', 'enospc'] as const)('a %s write throws MOLT_ERR_STORE_NO_SPACE and leaves only whole lines', (fault) => {
    const { dir } = useTempDir('moltbot-logs-');
    const faulty = faultyWriteSync(writeSync, fault);
    let failing = false;
    const file = openRotatingFile({ dir, maxBytes: 1_000_000, retentionDays: 14, writeSync: (fd, data, offset, length) => (failing ? faulty.write(fd, data, offset, length) : writeSync(fd, data, offset, length)) });
    file.write(line('before'));
    failing = true;
    let caught: unknown;
    try {
      file.write(line(`big ${'x'.repeat(5000)}`));
    } catch (error) {
      caught = error;
    }
    expect(faulty.hits()).toBeGreaterThan(0);
    expect(isMoltbotError(caught, 'MOLT_ERR_STORE_NO_SPACE')).toBe(true);
    expect(readFileSync(file.path, 'utf8')).toBe(`${line('before')}\n`);
    failing = false;
    file.write(line('after'));
    file.close();
    expect(readFileSync(file.path, 'utf8')).toBe(`${line('before')}\n${line('after')}\n`);
  });

  it('a write that reports 0 bytes throws MOLT_ERR_STORE_WRITE', () => {
    const { dir } = useTempDir('moltbot-logs-');
    const faulty = faultyWriteSync(writeSync, 'zero');
    const file = openRotatingFile({ dir, maxBytes: 1_000_000, retentionDays: 14, writeSync: faulty.write });
    expect(() => file.write(line('x'))).toThrow(expect.objectContaining({ code: 'MOLT_ERR_STORE_WRITE' }));
    file.close();
    expect(readFileSync(file.path, 'utf8')).toBe('');
  });

  it('a torn last line a crash left is cut when the file is opened', () => {
    const { dir } = useTempDir('moltbot-logs-');
    writeFileSync(join(dir, 'moltbot.log'), `${line('whole')}\n{"level":30,"msg":"to`);
    const file = openRotatingFile({ dir, maxBytes: 1_000_000, retentionDays: 14 });
    file.write(line('next'));
    file.close();
    expect(readFileSync(join(dir, 'moltbot.log'), 'utf8')).toBe(`${line('whole')}\n${line('next')}\n`);
  });
});

const mounted = mountTmpfs(1024 * 1024);
const tmpfs = 'unavailable' in mounted ? undefined : mounted;
if (tmpfs === undefined) console.warn(`log-file tmpfs test skipped: ${(mounted as { unavailable: string }).unavailable}`);
afterAll(() => tmpfs?.unmount());

describe('log-file plugin on a full disk (real tmpfs)', () => {
  it.skipIf(tmpfs === undefined)('drops lines while the disk is full, keeps the file whole, and says how many it dropped', async () => {
    const fs = tmpfs as Tmpfs;
    const kernel = await createTestKernel({ config: { logging: { transports: ['file'] } }, plugins: [logFile], env: { MOLTBOT_STATE_DIR: join(fs.dir, 'state') } });
    const service = kernel.use(logFileServiceRef);
    service.write(`${line('before')}\n`);
    fs.fillTo(8 * 1024);
    service.write(`${line(`big ${'x'.repeat(64 * 1024)}`)}\n`);
    fs.release();
    service.write(`${line('after')}\n`);
    const lines = readFileSync(join(service.dir, 'moltbot.log'), 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    const messages = lines.map((text) => (JSON.parse(text) as { msg: string }).msg);
    expect(messages).toContain('before');
    expect(messages.some((msg) => msg.startsWith('big'))).toBe(false);
    expect(messages.find((msg) => msg.includes('dropped'))).toMatch(/^\d+ log line\(s\) were dropped: No space left on the disk to write moltbot\.log \(ENOSPC\)/);
    expect(messages.indexOf('after')).toBeGreaterThan(messages.indexOf('before'));
    await kernel.close();
  });
});
