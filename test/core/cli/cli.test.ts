import { describe, expect, it } from 'vitest';
import { runCliCaptured, spawnCli } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { KERNEL_VERSION } from '../../../core/version.ts';
import { EMBEDDED_PRESET } from '../../../app/catalogue.ts';

const CANARY = 'canary-Secret-7f3a9c1e55';

describe('moltbot CLI', () => {
  it('--version prints the package version', async () => {
    const { dir } = useTempDir();
    const result = await runCliCaptured(['--version'], { cwd: dir });
    expect(result).toMatchObject({ code: 0, stdout: `${KERNEL_VERSION}\n` });
  });

  it('unknown command and unknown flag: a pointer to --help and exit 2', async () => {
    const { dir } = useTempDir();
    const command = await runCliCaptured(['frobnicate'], { cwd: dir });
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("unknown command 'frobnicate'");
    expect(command.stderr).toContain('`moltbot --help` lists the commands');
    const flag = await runCliCaptured(['config', 'validate', '--frob'], { cwd: dir });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--frob'");
  });

  it('config validate: OK with no config, 78 with a precise message otherwise', async () => {
    const temp = useTempDir();
    const ok = await runCliCaptured(['config', 'validate'], { cwd: temp.dir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Config OK: no config file \(embedded defaults\); \d+ plugin\(s\): /);
    for (const name of EMBEDDED_PRESET) expect(ok.stdout).toContain(name);
    temp.write('moltbot.config.json', JSON.stringify({ gateway: { port: 'abc', bnd: 'lan' } }));
    const bad = await runCliCaptured(['config', 'validate'], { cwd: temp.dir });
    expect(bad.code).toBe(78);
    expect(bad.stderr.replaceAll(temp.dir, '<dir>')).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_INVALID: Invalid config at <dir>/moltbot.config.json:
       - gateway.bnd is not a known key; did you mean "bind"? -> Where the gateway listens: loopback (this machine only), lan, tailnet (Tailscale address) or custom (customBindHost).
       - gateway.port must be integer (got "abc") -> Port of the WebSocket + HTTP server (precedence: --port > CLAWDBOT_GATEWAY_PORT > this > 18789).
        at file <dir>/moltbot.config.json, path gateway.bnd
        fix: Correct the listed paths, then run \`moltbot config validate\`.
      "
    `);
  });

  it('config validate --json', async () => {
    const temp = useTempDir();
    temp.write('moltbot.config.json', JSON.stringify({ gateway: { port: 70000 } }));
    const bad = await runCliCaptured(['config', 'validate', '--json'], { cwd: temp.dir });
    expect(bad.code).toBe(78);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, error: { code: 'MOLT_ERR_CONFIG_INVALID', path: 'gateway.port' } });
  });

  it('config print shows the effective config with secrets masked', async () => {
    const temp = useTempDir();
    temp.write('moltbot.config.json', JSON.stringify({
      gateway: { port: 19000, auth: { mode: 'password', password: '${GATEWAY_PW}' } },
      providers: { anthropic: { apiKey: CANARY } },
    }));
    const result = await runCliCaptured(['config', 'print'], { cwd: temp.dir, env: { GATEWAY_PW: `${CANARY}-pw`, CLAWDBOT_GATEWAY_PORT: '19001' } });
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(CANARY);
    const printed = JSON.parse(result.stdout);
    expect(printed.gateway).toMatchObject({ port: 19001, auth: { mode: 'password', password: '[REDACTED]' } });
    expect(printed.providers.anthropic.apiKey).toBe('[REDACTED]');
  });

  it('a secret in a bad config is never echoed', async () => {
    const temp = useTempDir();
    temp.write('moltbot.config.json', JSON.stringify({ gateway: { auth: { mode: 'password', password: 12345678 } }, providers: { openai: { apiKey: [CANARY] } } }));
    const result = await runCliCaptured(['config', 'validate'], { cwd: temp.dir });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('gateway.auth.password');
    expect(result.stderr).not.toContain('12345678');
    expect(result.stderr).not.toContain(CANARY);
  });

  it('plugins list and hooks', async () => {
    const temp = useTempDir();
    temp.write('plugin.mjs', `export default { name: 'listed', version: '2.1.0', setup() {} };`);
    temp.write('moltbot.config.json', JSON.stringify({ plugins: ['./plugin.mjs'] }));
    const list = await runCliCaptured(['plugins', 'list', '--json'], { cwd: temp.dir });
    expect(list.code).toBe(0);
    const listed = (JSON.parse(list.stdout) as { name: string }[]).find((p) => p.name === 'listed');
    expect(listed).toMatchObject({ version: '2.1.0', origin: 'path', status: 'set-up', declaredAt: 'plugins[0]' });
    const hooks = await runCliCaptured(['hooks'], { cwd: temp.dir });
    expect(hooks.stdout).toMatch(/^beforeToolCall\s+messages\s+AsyncSeriesBailHook/m);
  });

  it('plugins contribute commands through cliCommands', async () => {
    const temp = useTempDir();
    temp.write('plugin.mjs', `export default { name: 'greeter', version: '1.0.0', setup(ctx) {
      ctx.hooks.cliCommands.tap(ctx.name, (program, cli) => {
        program.command('greet <who>').description('say hello').action((who) => cli.print('hello ' + who));
      });
    } };`);
    temp.write('moltbot.config.json', JSON.stringify({ plugins: ['./plugin.mjs'] }));
    const greet = await runCliCaptured(['greet', 'ada'], { cwd: temp.dir });
    expect(greet).toMatchObject({ code: 0, stdout: 'hello ada\n' });
    const help = await runCliCaptured(['--help'], { cwd: temp.dir });
    expect(help.stdout).toContain('greet <who>');
  });

  it('a real process exits 78 on invalid config and prints the message to stderr', async () => {
    const temp = useTempDir();
    temp.write('moltbot.config.json', '{ "gateway": { "port": 18789, } }');
    const result = await spawnCli(['config', 'validate'], { cwd: temp.dir });
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/MOLT_ERR_CONFIG_LOAD/);
    expect(result.stderr).toMatch(/moltbot\.config\.json/);
    expect(result.stderr).toMatch(/line 1, column \d+/);
  });
});

describe('moltbot plugins info', () => {
  it('shows the options schema and defaults without running the plugin', async () => {
    const temp = useTempDir();
    temp.write('plugin.mjs', `export default { name: 'informed', version: '1.2.3', description: 'demo',
      schema: { type: 'object', properties: { level: { type: 'integer', description: 'How loud.' } } },
      defaults: { level: 3 }, setup() { throw new Error('setup must not run'); } };`);
    temp.write('moltbot.config.json', JSON.stringify({ plugins: ['./plugin.mjs'] }));
    const info = await runCliCaptured(['plugins', 'info', 'informed'], { cwd: temp.dir });
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({
      name: 'informed', version: '1.2.3', description: 'demo', defaults: { level: 3 },
      schema: { properties: { level: { description: 'How loud.' } } },
    });
    const missing = await runCliCaptured(['plugins', 'info', 'nope'], { cwd: temp.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: plugin "nope" is not configured; configured: .*informed/);
  });
});

describe('plugin subcommands under core words', () => {
  it('a plugin can add `config <sub>`; core subcommands still run without plugin setup', async () => {
    const temp = useTempDir();
    temp.write('plugin.mjs', `export default { name: 'suggester', version: '1.0.0', setup(ctx) {
      if (process.env.BREAK_SETUP) throw new Error('setup broke');
      ctx.hooks.cliCommands.tap(ctx.name, (program, cli) => {
        const config = program.commands.find((c) => c.name() === 'config');
        config.command('hello').action(() => cli.print('hello from a plugin subcommand'));
      });
    } };`);
    temp.write('moltbot.config.json', JSON.stringify({ preset: 'none', plugins: ['./plugin.mjs'] }));
    const hello = await runCliCaptured(['config', 'hello'], { cwd: temp.dir });
    expect(hello).toMatchObject({ code: 0, stdout: 'hello from a plugin subcommand\n' });
    const validate = await runCliCaptured(['config', 'validate'], { cwd: temp.dir, env: { BREAK_SETUP: '1' } });
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain('1 plugin(s): suggester');
  });
});
