/**
 * Issue 20's "done when", from the packed tarball: a plugin package outside the repository,
 * importing only public entries (`moltbot`, `moltbot/plugin-sdk/<area>`), type-checks under
 * `tsc --strict` and works at runtime with the installed moltbot. Packed and installed once
 * (harness.ts); each capability is a section of `plugin.ts` plus a test below, so an SDK area
 * adds its capability here in minutes.
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npm } from './npm.ts';
import { packAndInstall, type InstalledPackage } from './harness.ts';

/** The plugin: one file per capability would do as well; one keeps the imports in view. */
const PLUGIN = `
import { createServiceRef, defineErrors, definePlugin, MoltbotError } from 'moltbot/plugin-sdk/core';

export interface Greeter {
  greet(name: string): string;
}

/** Typed service by reference. */
export const greeterRef = createServiceRef<Greeter>({ id: 'pack-greeter', description: 'Greets (pack test)' });

/** Its own error codes in the open catalogue. */
export const errors = defineErrors('pack-greeter', {
  PACK_GREETER_ERR_NAME: { title: 'The name is missing', fix: 'pass a name: moltbot greet <name>', exitCode: 3 },
});

export default definePlugin<{ greeting: string }>({
  name: 'pack-greeter',
  version: '0.1.0',
  kernel: '^1.0.0',
  schema: { type: 'object', additionalProperties: false, properties: { greeting: { type: 'string', minLength: 1 } } },
  defaults: { greeting: 'Hello' },
  provides: [greeterRef],
  setup(ctx, options) {
    const greeter: Greeter = { greet: (name) => \`\${options.greeting}, \${name}!\` };
    ctx.provide(greeterRef, greeter);

    // An HTTP route on the gateway.
    ctx.hooks.httpRoute.tap(ctx.name, (router) => router.route({
      method: 'GET',
      path: '/pack-greeter/hello',
      public: true,
      handler(request, response) {
        const name = new URL(request.url ?? '/', 'http://gateway').searchParams.get('name') ?? 'world';
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ text: greeter.greet(name) }));
      },
    }));

    // A CLI command.
    ctx.hooks.cliCommands.tap(ctx.name, (program, cli) => {
      program.command('greet [name]').description('greets (pack test)').action((name: string | undefined) => {
        if (!name) throw new MoltbotError(errors.PACK_GREETER_ERR_NAME, { plugin: ctx.name });
        cli.print(greeter.greet(name) + '\\n');
      });
    });
  },
});
`;

/** A second plugin consuming the first by reference: typed, ordered after it. */
const CONSUMER = `
import { definePlugin } from 'moltbot/plugin-sdk/core';
import { greeterRef } from './plugin.ts';

export default definePlugin({
  name: 'pack-consumer',
  version: '0.1.0',
  kernel: '^1.0.0',
  consumes: [greeterRef],
  setup(ctx) {
    const text: string = ctx.use(greeterRef).greet('consumer');
    ctx.hooks.ready.tap(ctx.name, () => ctx.log.info({ text }, 'consumer ready'));
  },
});
`;

const CONFIG = `
import { defineConfig } from 'moltbot';

export default defineConfig({ plugins: [['./plugin.ts', { greeting: 'Hi' }], './consumer.ts'] });
`;

/** Embedding: the user's own program starts a kernel with the plugins and uses a service by ref. */
const EMBED = `
import { createKernel } from 'moltbot';
import greeter, { greeterRef } from './plugin.ts';
import consumer from './consumer.ts';

const kernel = createKernel({ plugins: [[greeter, { greeting: 'Hey' }], consumer], config: {} });
await kernel.start();
console.log(kernel.use(greeterRef).greet('embedder'));
await kernel.close();
`;

let installed: InstalledPackage;

beforeAll(async () => {
  installed = await packAndInstall();
  installed.write('plugin.ts', PLUGIN);
  installed.write('consumer.ts', CONSUMER);
  installed.write('moltbot.config.ts', CONFIG);
  installed.write('embed.ts', EMBED);
}, 180_000);

afterAll(() => installed?.remove());

describe('the packed moltbot, installed outside the repository', () => {
  it('ships the compiled dist/ and no TypeScript sources', () => {
    const root = join(installed.dir, 'node_modules', 'moltbot');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining(['.', './testing', './protocol', './plugin-sdk/*']));
    expect(() => readFileSync(join(root, 'dist', 'sdk', 'core', 'index.d.ts'))).not.toThrow();
    expect(() => readFileSync(join(root, 'app', 'index.ts'))).toThrow();
  });

  it('type-checks a plugin with public imports only under tsc --strict', async () => {
    const result = await installed.tsc();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('loads the plugins from moltbot.config.ts: the consumer uses the service by ref', async () => {
    const result = await installed.moltbot(['plugins', 'list', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const rows = (JSON.parse(result.stdout) as { name: string; status: string }[]).filter((row) => row.name.startsWith('pack-'));
    expect(rows).toMatchObject([{ name: 'pack-greeter', status: 'set-up' }, { name: 'pack-consumer', status: 'set-up' }]);
  });

  it('adds a CLI command, failing with its own error code and exit code', async () => {
    const greeted = await installed.moltbot(['greet', 'Ada']);
    expect(greeted.stderr).toBe('');
    expect([greeted.code, greeted.stdout]).toEqual([0, 'Hi, Ada!\n']);
    const refused = await installed.moltbot(['greet']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('PACK_GREETER_ERR_NAME');
    expect(refused.stderr).toContain('pass a name: moltbot greet <name>');
  });

  it('runs embedded: createKernel from moltbot in the user\'s own program', async () => {
    const result = await installed.node(['embed.ts']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')).toContain('Hey, embedder!');
  });

  it('serves its HTTP route on the running gateway', async () => {
    const gateway = await installed.gateway();
    const response = await fetch(`http://127.0.0.1:${gateway.port}/pack-greeter/hello?name=Grace`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ text: 'Hi, Grace!' });
  });

  it('validates a config importing moltbot in a folder with no moltbot installed (a global install)', async () => {
    // The user's folder has no node_modules: `moltbot` resolves to the running CLI's own copy.
    const home = mkdtempSync(join(tmpdir(), 'moltbot-global-user-'));
    try {
      installed.write(join(home, 'moltbot.config.ts'), `
import { defineConfig } from 'moltbot';
import { KERNEL_VERSION } from 'moltbot/plugin-sdk/core';

export default defineConfig({ agent: { model: 'anthropic/claude-' + KERNEL_VERSION } });
`);
      const result = await installed.moltbot(['config', 'validate'], { cwd: home });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Config OK: .*moltbot\.config\.ts/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('scaffolds a plugin package that installs offline against this installed copy and passes its tests', async () => {
    const created = await installed.moltbot(['plugin', 'create', 'from-install', '--yes'], { cwd: installed.root });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).not.toContain('npm run build');
    const dir = join(installed.root, 'from-install');
    const moltbot = join(installed.dir, 'node_modules', 'moltbot');
    expect((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies.moltbot).toBe(`file:${moltbot}`);
    const install = await npm(['install'], { cwd: dir, timeoutMs: 60_000 });
    expect(install.code, install.stderr).toBe(0);
    expect(realpathSync(join(dir, 'node_modules', 'moltbot'))).toBe(realpathSync(moltbot));
    const typecheck = await npm(['run', '--silent', 'typecheck'], { cwd: dir, timeoutMs: 60_000 });
    expect(typecheck.stdout + typecheck.stderr).toBe('');
    const tests = await npm(['test', '--silent', '--', '--reporter=dot'], { cwd: dir, env: { NO_COLOR: '1' }, timeoutMs: 60_000 });
    expect(tests.code, tests.stdout + tests.stderr).toBe(0);
    expect(tests.stdout).toMatch(/Tests\s+\S*\d+ passed/);
  }, 150_000);
});
