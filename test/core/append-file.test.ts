/**
 * AppendFile under a failing disk: a short write, ENOSPC, a 0-byte write or a failed fsync
 * rejects the append with a clear error, the file is cut back to its last good length, records
 * acknowledged before stay, and the next append after the fault lands on a record boundary.
 */
import { constants, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppendFile } from '../../core/append-file.ts';
import { isMoltbotError } from '../../core/errors.ts';
import { faults, faultyOpen } from '../helpers/faulty-file.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const opener = faultyOpen(open);

afterEach(() => faults.clear());

function setup() {
  const file = join(useTempDir().dir, 'log.jsonl');
  const appender = new AppendFile(file, 0, { open: opener });
  return { file, appender };
}

describe('AppendFile on a failing disk', () => {
  it('a short write then ENOSPC fails with MOLT_ERR_STORE_NO_SPACE and cuts the file back', async () => {
    const { file, appender } = setup();
    await appender.append('{"n":1}\n');
    // Faults apply to handles opened from now on: reopen, as after an eviction.
    await appender.close();
    faults.arm(file, 'short');
    const error = await appender.append(`${JSON.stringify({ n: 2, pad: 'x'.repeat(5000) })}\n`).catch((e: unknown) => e);
    expect(faults.hits()).toBe(2);
    expect(isMoltbotError(error, 'MOLT_ERR_STORE_NO_SPACE')).toBe(true);
    expect((error as Error).message).toMatch(/No space left on the disk to write log\.jsonl \(ENOSPC\); the write was undone\. Free disk space under /);
    expect((error as { file?: string }).file).toBe(file);
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n');
    expect(appender.size).toBe(8);
    faults.clear();
    await appender.append('{"n":3}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":3}\n');
    await appender.close();
  });

  it('ENOSPC on the first byte rejects every caller of the batch and keeps what was acknowledged', async () => {
    const { file, appender } = setup();
    await appender.append('{"n":1}\n');
    await appender.close();
    faults.arm(file, 'enospc');
    const results = await Promise.allSettled([appender.append('{"n":2}\n'), appender.append('{"n":3}\n')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    for (const r of results) expect(isMoltbotError((r as PromiseRejectedResult).reason, 'MOLT_ERR_STORE_NO_SPACE')).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n');
    await appender.close();
  });

  it('a write that reports 0 bytes fails with MOLT_ERR_STORE_WRITE instead of looping or acknowledging', async () => {
    const { file, appender } = setup();
    faults.arm(file, 'zero');
    const error = await appender.append('{"n":1}\n').catch((e: unknown) => e);
    expect(isMoltbotError(error, 'MOLT_ERR_STORE_WRITE')).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('');
    await appender.close();
  });

  it('a failed fsync rejects the append (its own error) and the bytes are cut back', async () => {
    const { file, appender } = setup();
    await appender.append('{"n":1}\n');
    await appender.close();
    faults.arm(file, 'sync-eio');
    const error = await appender.append('{"n":2}\n').catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toBe('EIO');
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n');
    await appender.close();
  });

  it('a torn tail left by a crash is cut on open, so the next record never joins it', async () => {
    const { file, appender } = setup();
    writeFileSync(file, '{"n":1}\n{"n":2,"torn');
    await appender.append('{"n":3}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":3}\n');
    expect(appender.size).toBe(16);
    await appender.close();
  });

  it('a file with no newline at all is a torn first record: cut to empty', async () => {
    const { file, appender } = setup();
    writeFileSync(file, 'x'.repeat(70_000));
    await appender.append('{"n":1}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n');
    await appender.close();
  });
});

describe('AppendFile durability', () => {
  it('acknowledges a batch after one write opened with O_DSYNC, never a write and a separate fsync', async () => {
    const file = join(useTempDir().dir, 'log.jsonl');
    const calls: string[] = [];
    let flags: number | undefined;
    const counting = async (path: string, openFlags: number, mode: number) => {
      flags = openFlags;
      const handle = await open(path, openFlags, mode);
      return new Proxy(handle, {
        get(target, key) {
          const value = Reflect.get(target, key, target) as unknown;
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            calls.push(String(key));
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    };
    const appender = new AppendFile(file, 0, { open: counting });
    await appender.append('{"n":1}\n');
    calls.length = 0;
    await Promise.all([appender.append('{"n":2}\n'), appender.append('{"n":3}\n')]);
    await appender.append('{"n":4}\n');
    expect((flags ?? 0) & constants.O_DSYNC).toBe(constants.O_DSYNC);
    expect((flags ?? 0) & constants.O_APPEND).toBe(constants.O_APPEND);
    expect(calls).toEqual(['write', 'write', 'write']);
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n{"n":4}\n');
    await appender.close();
  });
});
