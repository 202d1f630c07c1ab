import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { checkPluginName, listTemplates, scaffoldPlugin } from '../../../app/cli/plugin-create.ts';
import { KERNEL_VERSION, PACKAGE } from '../../../core/version.ts';
import { runCliCaptured } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

// The terminal prompts, answered from a queue; every question asked is recorded with its options.
const prompts = vi.hoisted(() => ({ answers: [] as unknown[], asked: [] as { message: string; validate?: (value: string) => unknown }[] }));
vi.mock('@clack/prompts', () => {
  const ask = (options: { message: string; validate?: (value: string) => unknown }) => {
    prompts.asked.push(options);
    return Promise.resolve(prompts.answers.shift());
  };
  return { intro: () => {}, text: ask, select: ask, isCancel: (value: unknown) => value === 'CANCEL' };
});

function inTerminal(answers: unknown[]): void {
  prompts.answers = [...answers];
  prompts.asked = [];
  for (const stream of [process.stdin, process.stdout]) {
    const had = Object.getOwnPropertyDescriptor(stream, 'isTTY');
    Object.defineProperty(stream, 'isTTY', { value: true, configurable: true });
    onTestFinished(() => {
      if (had) Object.defineProperty(stream, 'isTTY', had);
      else delete (stream as { isTTY?: boolean }).isTTY;
    });
  }
}

describe('checkPluginName', () => {
  it.each(['a', 'my-alerts', 'cache-store2', 'x1-y2-z3'])('accepts %s', (name) => {
    expect(checkPluginName(name)).toBeUndefined();
  });

  it('explains each refusal', () => {
    const problems = Object.fromEntries(
      ['My-Alerts', 'my_alerts', '-x', 'x-', 'a--b', '1abc', '../evil', 'a/b', 'a\\b', 'moltbot-plugin-x', 'x'.repeat(51), '']
        .map((name) => [name.length > 20 ? `${name.slice(0, 5)}…(${name.length})` : name, checkPluginName(name)]),
    );
    expect(problems).toMatchInlineSnapshot(`
      {
        "": "use kebab-case: lowercase letters and digits in words joined by "-", starting with a letter (e.g. my-alerts)",
        "-x": "use kebab-case: lowercase letters and digits in words joined by "-", starting with a letter (e.g. my-alerts)",
        "../evil": "a plugin name is not a path: no "/", "\\" or ".."",
        "1abc": "use kebab-case: lowercase letters and digits in words joined by "-", starting with a letter (e.g. my-alerts)",
        "My-Alerts": "use kebab-case: lowercase letters and digits in words joined by "-", starting with a letter (e.g. my-alerts)",
        "a--b": "use kebab-case: lowercase letters and digits in words joined by "-", starting with a letter (e.g. my-alerts)",
        "a/b": "a plugin name is not a path: no "/", "\\" or ".."",
        "a\\b": "a plugin name is not a path: no "/", "\\" or ".."",
        "moltbot-plugin-x": "drop the "moltbot-plugin-" prefix: the package is named moltbot-plugin-<name> for you",
        "my_alerts": "use kebab-case: lowercase letters and digits in words joined by "-", starting with a letter (e.g. my-alerts)",
        "x-": "use kebab-case: lowercase letters and digits in words joined by "-", starting with a letter (e.g. my-alerts)",
        "xxxxx…(51)": "at most 50 characters",
      }
    `);
  });
});

describe('scaffoldPlugin', () => {
  it('lists the finished templates', () => {
    expect(listTemplates()).toEqual(expect.arrayContaining(['alert-sink', 'plugin']));
  });

  it('fills every placeholder, renames _gitignore and pins moltbot to this version', () => {
    const { dir: cwd } = useTempDir();
    const result = scaffoldPlugin({ name: 'hello-world', template: 'plugin', dir: 'out', cwd });
    expect(result.dir).toBe(join(cwd, 'out'));
    expect(result.files).toContain('.gitignore');
    expect(result.files).not.toContain('_gitignore');
    for (const file of result.files) expect(readFileSync(join(result.dir, file), 'utf8')).not.toMatch(/__[A-Z_]+__/);
    const manifest = JSON.parse(readFileSync(join(result.dir, 'moltbot-plugin.json'), 'utf8')) as Record<string, string>;
    expect(manifest).toMatchObject({ name: 'hello-world', kernel: `^${KERNEL_VERSION}`, entry: './index.ts', options: './schema.json' });
    const pkg = JSON.parse(readFileSync(join(result.dir, 'package.json'), 'utf8')) as { peerDependencies: object; devDependencies: Record<string, string> };
    const own = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { devDependencies: Record<string, string> };
    expect(pkg.peerDependencies).toEqual({ moltbot: `^${KERNEL_VERSION}` });
    expect(pkg.devDependencies).toEqual({
      moltbot: `file:${PACKAGE.root}`, vitest: own.devDependencies.vitest, typescript: own.devDependencies.typescript, '@types/node': own.devDependencies['@types/node'],
    });
  });

  it('locks the dependencies at the versions moltbot is tested with and links moltbot to this copy', () => {
    const { dir: cwd } = useTempDir();
    const result = scaffoldPlugin({ name: 'locked', template: 'cache-store', dir: 'out', cwd });
    expect(result.files).toContain('package-lock.json');
    const lock = JSON.parse(readFileSync(join(result.dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; dev?: boolean; link?: boolean; resolved?: string }> };
    const own = JSON.parse(readFileSync(new URL('../../../package-lock.json', import.meta.url), 'utf8')) as typeof lock;
    const target = relative(result.dir, PACKAGE.root);
    expect(lock.packages['node_modules/moltbot']).toEqual({ resolved: target, link: true });
    expect(lock.packages[target]).toEqual({ name: 'moltbot', version: KERNEL_VERSION });
    for (const name of ['vitest', 'typescript', '@types/node', 'keyv']) {
      expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(own.packages[`node_modules/${name}`]?.version);
    }
    // keyv is what the plugin runs with; vitest only what it is tested with.
    expect(lock.packages['node_modules/keyv']?.dev).toBeUndefined();
    expect(lock.packages['node_modules/vitest']?.dev).toBe(true);
  });
});

describe('moltbot plugin create', () => {
  it('scaffolds into ./<name> and prints the next steps', async () => {
    const { dir } = useTempDir();
    const result = await runCliCaptured(['plugin', 'create', 'my-alerts', '--template', 'alert-sink'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Created moltbot-plugin-my-alerts from template "alert-sink" in my-alerts (9 files)

      Next steps:
        cd my-alerts
        npm install
        npm test
        then list it in your moltbot.config.ts: plugins: ['./my-alerts/index.ts']
        and check it: moltbot plugins info ./my-alerts
      "
    `);
    expect(existsSync(join(dir, 'my-alerts', '.gitignore'))).toBe(true);
  });

  it('refuses a non-empty target folder and leaves it alone', async () => {
    const temp = useTempDir();
    temp.write('taken/keep.txt', 'mine');
    const result = await runCliCaptured(['plugin', 'create', 'taken', '--yes'], { cwd: temp.dir });
    expect(result.code).toBe(2);
    expect(result.stderr.replaceAll(temp.dir, '<dir>')).toMatchInlineSnapshot(`
      "error: <dir>/taken already exists and is not an empty folder; choose another --dir or remove it
      "
    `);
    expect(readdirSync(join(temp.dir, 'taken'))).toEqual(['keep.txt']);
  });

  it('accepts an empty existing folder given with --dir', async () => {
    const temp = useTempDir();
    mkdirSync(join(temp.dir, 'fresh'));
    const result = await runCliCaptured(['plugin', 'create', 'in-place', '--dir', 'fresh', '--yes'], { cwd: temp.dir });
    expect(result.code).toBe(0);
    expect(readdirSync(join(temp.dir, 'fresh'))).toContain('moltbot-plugin.json');
  });

  it('refuses a bad name, an unknown template and a missing name without a terminal', async () => {
    const { dir } = useTempDir();
    const bad = await runCliCaptured(['plugin', 'create', '../escape'], { cwd: dir });
    expect([bad.code, bad.stderr]).toMatchInlineSnapshot(`
      [
        2,
        "error: invalid plugin name "../escape": a plugin name is not a path: no "/", "\\" or ".."
      ",
      ]
    `);
    const unknown = await runCliCaptured(['plugin', 'create', 'x', '--template', 'nope'], { cwd: dir });
    expect(unknown.stderr).toMatch(/^error: unknown template "nope"; available: .*alert-sink.*plugin/);
    const missing = await runCliCaptured(['plugin', 'create'], { cwd: dir });
    expect([missing.code, missing.stderr]).toEqual([2, 'error: missing plugin name: moltbot plugin create <name> [--template T] [--dir D]\n']);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('moltbot plugin create in a terminal', () => {
  it('asks for the name, the template and the folder', async () => {
    const { dir } = useTempDir();
    inTerminal(['asked-name', 'cache-store', './elsewhere']);
    const result = await runCliCaptured(['plugin', 'create'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(prompts.asked.map((question) => question.message)).toEqual(['Plugin name (kebab-case)', 'Template', 'Folder']);
    expect(prompts.asked[0]!.validate!('Bad Name')).toMatch(/kebab-case/);
    expect(prompts.asked[0]!.validate!('good-name')).toBeUndefined();
    const manifest = JSON.parse(readFileSync(join(dir, 'elsewhere', 'moltbot-plugin.json'), 'utf8')) as { name: string; description: string };
    expect(manifest.name).toBe('asked-name');
    expect(manifest.description).toMatch(/cache store/);
  });

  it('asks only what the flags left open, and nothing with --yes', async () => {
    const { dir } = useTempDir();
    inTerminal(['./picked']);
    expect((await runCliCaptured(['plugin', 'create', 'flagged', '--template', 'plugin'], { cwd: dir })).code).toBe(0);
    expect(prompts.asked.map((question) => question.message)).toEqual(['Folder']);
    expect(existsSync(join(dir, 'picked', 'index.ts'))).toBe(true);
    inTerminal([]);
    expect((await runCliCaptured(['plugin', 'create', 'quiet-one', '--yes'], { cwd: dir })).code).toBe(0);
    expect(prompts.asked).toEqual([]);
    expect(existsSync(join(dir, 'quiet-one', 'index.ts'))).toBe(true);
  });

  it('creates nothing when the user cancels', async () => {
    const { dir } = useTempDir();
    inTerminal(['left-early', 'CANCEL']);
    const result = await runCliCaptured(['plugin', 'create'], { cwd: dir });
    expect([result.code, result.stderr]).toEqual([1, 'cancelled: nothing was created\n']);
    expect(readdirSync(dir)).toEqual([]);
  });
});
