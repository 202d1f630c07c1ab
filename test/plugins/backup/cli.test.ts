import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../core/hook-types.ts';
import { formatBytes, progressBar, registerBackupCommands } from '../../../plugins/backup/cli.ts';
import { DEFAULT_LIMITS } from '../../../plugins/backup/read-archive.ts';
import { createBackupService } from '../../../plugins/backup/service.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { sampleSources } from './fixtures.ts';

describe('backup create progress', () => {
  it('draws a bar on a TTY and nothing otherwise', async () => {
    const { dir } = useTempDir('moltbot-backup-cli-');
    const sources = sampleSources(dir);
    const service = createBackupService({ dir: join(dir, 'backups'), retention: { days: 30 }, limits: DEFAULT_LIMITS, version: '1.0.0', cwd: dir, stateDir: join(dir, 'state'), sources: () => sources });
    const run = async (isTTY: boolean) => {
      const drawn: string[] = [];
      const printed: string[] = [];
      const cli = { print: (t: string) => printed.push(t), warn: (t: string) => printed.push(t), setExitCode: () => undefined } as unknown as CliContext;
      const program = new Command().exitOverride();
      registerBackupCommands(program, cli, service, { isTTY, writeProgress: (t) => drawn.push(t) });
      await program.parseAsync(['node', 'moltbot', 'backup', 'create']);
      return { drawn, printed };
    };
    const tty = await run(true);
    expect(tty.drawn.at(-2)).toBe('\rbackup [########################] 7/7 files, 117 B');
    expect(tty.drawn.at(-1)).toBe('\n');
    expect(tty.printed[0]).toMatch(/^created .*moltbot-backup-\d{8}T\d{9}Z\.tar\.gz \(7 files, 117 B → \d+(\.\d)? (B|KiB)\)$/);
    expect((await run(false)).drawn).toEqual([]);
  });

  it('formats the bar and sizes', () => {
    expect(progressBar({ files: 1, total: 4, bytes: 3 * 1024 * 1024 })).toBe('backup [######------------------] 1/4 files, 3.0 MiB');
    expect([formatBytes(10), formatBytes(2048), formatBytes(5 * 1024 ** 3)]).toEqual(['10 B', '2.0 KiB', '5.0 GiB']);
  });
});
