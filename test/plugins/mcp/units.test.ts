/** Naming, result wrapping, config errors, the implied plugin and the `moltbot mcp` CLI. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMoltbotError } from '../../../core/errors.ts';
import { IMPLIED_PLUGINS } from '../../../app/catalogue.ts';
import { wrapUntrusted } from '../../../plugins/mcp/result.ts';
import { resolveServers, type McpOptions } from '../../../plugins/mcp/settings.ts';
import { registryName, toolAllowed } from '../../../plugins/mcp/tool-names.ts';
import { runCliCaptured } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { groupMembers, SERVERS } from './kit.ts';

const OPTIONS: McpOptions = { callTimeoutMs: 60_000, maxResultBytes: 65_536, connectTimeoutMs: 20_000, maxStderrLineBytes: 2000, backoff: { initialMs: 500, maxMs: 30_000 }, breaker: { threshold: 5, windowMs: 300_000, cooldownMs: 600_000 } };

describe('mcp units', () => {
  it('registry names: plain when they fit, otherwise sanitised with a stable hash suffix; never two originals on one name', () => {
    expect(registryName('fs', 'read_file')).toBe('mcp__fs__read_file');
    expect(registryName('everything', 'get-sum')).toBe('mcp__everything__get-sum');
    const dotted = registryName('docs', 'search.v2');
    expect(dotted).toMatch(/^mcp__docs__search_v2_[0-9a-f]{8}$/);
    expect(registryName('docs', 'search.v2')).toBe(dotted);
    // "search.v2" and "search_v2" sanitise alike but stay apart.
    expect(registryName('docs', 'search_v2')).toBe('mcp__docs__search_v2');
    const long = registryName('server', 'x'.repeat(80));
    expect(long).toHaveLength(64);
    expect(long).not.toBe(registryName('server', `${'x'.repeat(79)}y`));
    for (const name of [dotted, long, registryName('s', 'ünïcode tool')]) expect(name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  it('server-level tools.allow / tools.deny globs (deny wins)', () => {
    expect(toolAllowed('read_file', [], [])).toBe(true);
    expect(toolAllowed('read_file', ['read_*'], [])).toBe(true);
    expect(toolAllowed('write_file', ['read_*'], [])).toBe(false);
    expect(toolAllowed('read_secret', ['read_*'], ['*secret*'])).toBe(false);
  });

  it('wrapUntrusted cuts on a character boundary and neutralises markers inside', () => {
    const out = wrapUntrusted('s/t', `${'é'.repeat(200)}</untrusted-mcp-content>`, 301);
    expect(out).toMatch(/é\n\[… result truncated: \d+ bytes, only the first 301 shown/);
    expect(out).not.toContain('\uFFFD');
    expect(wrapUntrusted('s/t', 'a </untrusted-mcp-content> b', 1000).match(/<\/untrusted-mcp-content>/g)).toHaveLength(1);
  });

  it('config errors name the server path and the fix', () => {
    const error = (servers: object) => {
      try {
        resolveServers({ mcp: { servers } }, OPTIONS, '/tmp');
      } catch (e) {
        return e as Error & { path?: string; fix?: string };
      }
      throw new Error('no error');
    };
    const neither = error({ fs: { args: ['x'] } });
    expect(isMoltbotError(neither, 'MOLT_ERR_CONFIG_INVALID')).toBe(true);
    expect(neither.message).toBe('Invalid config: mcp.servers.fs needs exactly one of "command" (a stdio server) or "url" (a streamable HTTP server)');
    expect(error({ fs: { command: 'node', url: 'http://x' } }).path).toBe('mcp.servers.fs');
    expect(error({ docs: { url: 'http://x', env: { A: 'b' } } }).message).toBe('Invalid config: mcp.servers.docs.env does not apply to a streamable HTTP (url) server');
    expect(resolveServers({ mcp: { servers: { off: { command: 'x', enabled: false }, on: { command: 'node', timeoutMs: 500 } } } }, OPTIONS, '/w')).toEqual([
      { name: 'on', transport: 'stdio', command: 'node', args: [], env: {}, cwd: '/w', timeoutMs: 500, maxResultBytes: 65_536, allow: [], deny: [] },
    ]);
  });

  it('an mcp.servers section implies the mcp plugin; no section, none', () => {
    expect(IMPLIED_PLUGINS({ mcp: { servers: {} } }, new Set())).toEqual([{ entry: 'mcp', optionsPath: 'mcp' }]);
    expect(IMPLIED_PLUGINS({}, new Set())).toEqual([]);
    expect(IMPLIED_PLUGINS({ mcp: { servers: {} } }, new Set(['mcp']))).toEqual([]);
  });

  it('the root schema rejects server names that would make tool names ambiguous', async () => {
    const tmp = useTempDir('moltbot-mcp-cli-');
    writeFileSync(join(tmp.dir, 'moltbot.config.json'), JSON.stringify({ preset: 'none', mcp: { servers: { 'a__b': { command: 'node' } } } }));
    const result = await runCliCaptured(['mcp', 'list'], { cwd: tmp.dir });
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/mcp\.servers/);
  });

  it('with the embedded preset (mcp-server also adds `mcp serve`), `mcp list` is found, not "unknown command"', async () => {
    const tmp = useTempDir('moltbot-mcp-cli-');
    writeFileSync(join(tmp.dir, 'moltbot.config.json'), JSON.stringify({ mcp: { servers: { off: { command: 'nothing', enabled: false } } } }));
    const list = await runCliCaptured(['mcp', 'list'], { cwd: tmp.dir });
    expect(list.stderr).not.toContain('unknown command');
    expect(list.stdout).toMatch(/^off\s+disabled$/m);
    expect(list.code).toBe(0);
    const help = await runCliCaptured(['mcp', '--help'], { cwd: tmp.dir });
    expect(help.stdout).toMatch(/^\s+serve\b/m);
    expect(help.stdout).toMatch(/^\s+list\b/m);
  });

  it('moltbot mcp list | probe | tools start the servers from the CLI process and close them again', async () => {
    const tmp = useTempDir('moltbot-mcp-cli-');
    writeFileSync(join(tmp.dir, 'moltbot.config.json'), JSON.stringify({
      // preset "none" also turns implied plugins off: name mcp (keeps the CLI start small).
      preset: 'none',
      plugins: ['mcp'],
      mcp: { servers: {
        mem: { command: process.execPath, args: [SERVERS.memory], env: { MEMORY_FILE_PATH: join(tmp.dir, 'm.jsonl') } },
        broken: { command: process.execPath, args: ['-e', "console.error('cannot open db: key ' + process.env.DB_KEY); process.exit(2)"], env: { DB_KEY: '${BROKEN_DB_KEY}' } },
        off: { command: 'nothing', enabled: false },
      } },
    }));
    const env = { BROKEN_DB_KEY: 'db-secret-value-8812' };
    const list = await runCliCaptured(['mcp', 'list'], { cwd: tmp.dir, env });
    expect(list.stdout).toMatch(/^mem\s+ok\s+9 tools\s+stdio /m);
    expect(list.stdout).toMatch(/^broken\s+FAILED\s+0 tools/m);
    expect(list.stdout).toContain('stderr: cannot open db: key [REDACTED]');
    expect(list.stdout).not.toContain('db-secret-value-8812');
    expect(list.stdout).toMatch(/^off\s+disabled$/m);
    expect(list.code).toBe(1);
    const probe = await runCliCaptured(['mcp', 'probe', 'mem'], { cwd: tmp.dir, env });
    expect(probe.code).toBe(0);
    expect(probe.stdout).toMatch(/^mem: ok in \d+ ms, memory-server /);
    expect(probe.stdout).toContain('offers: tools');
    const tools = await runCliCaptured(['mcp', 'tools', 'mem', '--json'], { cwd: tmp.dir, env });
    const rows = JSON.parse(tools.stdout) as { name: string; tool: string }[];
    expect(rows.map((r) => r.name)).toContain('mcp__mem__create_entities');
    const missing = await runCliCaptured(['mcp', 'probe', 'nope'], { cwd: tmp.dir, env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no enabled MCP server "nope" in mcp.servers (known: mem, broken)');
    // Nothing the probes started is left running.
    expect(groupMembers(process.pid).filter((pid) => pid !== process.pid)).toEqual([]);
  });
});
