/** `moltbot mcp serve` sits under an `mcp` command it shares with the MCP client plugin. */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../core/hook-types.ts';
import { mcpCommand, registerServeCommand } from '../../../plugins/mcp-server/cli.ts';
import { runCliCaptured } from '../../helpers/cli.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = { print() {}, warn() {}, start: async () => {}, closed: async () => {}, setExitCode() {}, problems: async () => [] } satisfies CliContext;
const settings = { replyTimeoutMs: 1000, maxHistory: 10, maxTextChars: 100 };

describe('the shared `mcp` command', () => {
  it('adds `serve` beside subcommands another plugin put under an existing `mcp`', () => {
    const program = new Command('moltbot');
    program.command('mcp').command('list');
    registerServeCommand(program, cli, {}, '/nonexistent', settings);
    expect(program.commands.filter((c) => c.name() === 'mcp')).toHaveLength(1);
    expect(mcpCommand(program).commands.map((c) => c.name())).toEqual(['list', 'serve']);
  });

  it('creates `mcp` when it registers first, and hands the same command to the next plugin', () => {
    const program = new Command('moltbot');
    registerServeCommand(program, cli, {}, '/nonexistent', settings);
    mcpCommand(program).command('tools');
    expect(program.commands.filter((c) => c.name() === 'mcp')).toHaveLength(1);
    expect(mcpCommand(program).commands.map((c) => c.name())).toEqual(['serve', 'tools']);
  });

  it('`moltbot mcp --help` shows serve with no config at all (embedded preset)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moltbot-mcp-cli-'));
    try {
      const result = await runCliCaptured(['mcp', '--help'], { cwd: dir });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/serve \[options\]\s+speak MCP over stdio/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
