/**
 * `moltbot memory status | search <query> | reindex`: the same index the gateway uses, read
 * and updated from the files (works while the gateway is down).
 */
import type { Command } from 'commander';
import type { CliContext } from '../../sdk/core/index.ts';
import type { MemoryService } from './index.ts';

export function registerMemoryCommand(program: Command, cli: CliContext, memory: () => MemoryService): void {
  const command = program.command('memory').description('long-term memory: index status, search, reindex');
  command
    .command('status')
    .description('memory files and chunks indexed; brings the index up to date first')
    .action(async () => {
      const stats = await memory().sync();
      const status = memory().status();
      cli.print(`${status.files} files, ${status.chunks} chunks${status.vectors !== undefined ? `, ${status.vectors} embedded` : ''} (index ${status.origin}; re-indexed ${stats.indexed}, dropped ${stats.removed})\n`);
    });
  command
    .command('search <query...>')
    .description('ranked snippets with file and line, as memory_search returns them')
    .option('--limit <n>', 'most results', '5')
    .option('--json', 'machine-readable output')
    .action(async (words: string[], options: { limit: string; json?: boolean }) => {
      const limit = Number.parseInt(options.limit, 10);
      const hits = await memory().search(words.join(' '), Number.isInteger(limit) && limit > 0 ? Math.min(limit, 50) : 5);
      if (options.json) return cli.print(`${JSON.stringify(hits)}\n`);
      if (hits.length === 0) return cli.print('no match\n');
      cli.print(`${hits.map((h) => `${h.file}:${h.line}  (${h.score})\n  ${h.snippet.replace(/\n/g, '\n  ')}`).join('\n')}\n`);
    });
  command
    .command('reindex')
    .description('drop the index and build it again from the memory files')
    .action(async () => {
      const stats = await memory().rebuild();
      cli.print(`re-indexed ${stats.indexed} memory files\n`);
    });
}
