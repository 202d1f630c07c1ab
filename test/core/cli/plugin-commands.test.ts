/**
 * Messages on the path in: a command whose plugin is not loaded names that plugin (not
 * "unknown command" plus the whole help); a typo gets one line pointing at --help; a plugin
 * error shows its code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLUGIN_COMMANDS } from '../../../app/catalogue.ts';
import { REPO, runCliCaptured } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

describe('commands of plugins that are not loaded', () => {
  it('`moltbot logs` without the log-file plugin names the plugin and how to add it, without the whole help', async () => {
    const { dir } = useTempDir();
    const result = await runCliCaptured(['logs'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: `moltbot logs` comes from the "log-file" plugin, which this config does not load; add "log-file" to `plugins` in your config (e.g. "plugins": ["log-file"]) and run it again\n');
    expect(result.stdout).toBe('');
  });

  it('`moltbot mcp list` without the mcp plugin (mcp-server has `mcp` too) names the plugin, not "unknown command \'list\'"', async () => {
    const { dir } = useTempDir();
    const result = await runCliCaptured(['mcp', 'list'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: `moltbot mcp list` comes from the "mcp" plugin, which this config does not load; add "mcp" to `plugins` in your config (e.g. "plugins": ["mcp"]) and run it again\n');
  });

  it('an unknown command gets one line and a pointer to --help, not the whole help', async () => {
    const { dir } = useTempDir();
    const result = await runCliCaptured(['frobnicate'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("error: unknown command 'frobnicate'\n(`moltbot --help` lists the commands and options)\n");
  });

  it('PLUGIN_COMMANDS names, for each command, the plugin whose code registers it', () => {
    for (const [words, plugin] of Object.entries(PLUGIN_COMMANDS)) {
      const folder = join(REPO, 'plugins', plugin);
      const sources = readdirSync(folder).filter((file) => file.endsWith('.ts')).map((file) => readFileSync(join(folder, file), 'utf8')).join('\n');
      const [command, sub] = words.split(' ');
      expect(sources, `${plugin} registers \`${command}\``).toMatch(new RegExp(`(program\\s*\\.command\\('${command}'|command\\.name\\(\\) === '${command}'\\)\\s*\\?\\? program\\.command\\('${command}')`));
      // "word sub": a subcommand of a word another plugin shares (mcp-server's `mcp serve`).
      if (sub !== undefined) expect(sources, `${plugin} registers \`${words}\``).toMatch(new RegExp(`\\.command\\('${sub}[' ]`));
    }
  });
});

describe('plugin errors on the command line', () => {
  it('`sessions inspect nope`: one line with the code and where to find real keys', async () => {
    const { dir } = useTempDir();
    const result = await runCliCaptured(['sessions', 'inspect', 'nope'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: INVALID_SESSION_KEY: invalid session key "nope": expected "agent:<agentId>:main" or "agent:<agentId>:<channel>:dm|group:<id>" (moltbot sessions list shows the keys)\n');
  });
});
