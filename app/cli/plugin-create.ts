/**
 * `moltbot plugin create <name>`: copies a starter from templates/ into a new folder, with the
 * name and the versions of this CLI filled in, so the result installs, passes its tests and
 * loads into a kernel unchanged. Interactive in a terminal, flag-driven everywhere else.
 *
 * The package depends on the moltbot that scaffolded it: `moltbot` is a peer dependency
 * (`^<version>`, what a published plugin declares) and a `file:` dev dependency on this
 * moltbot's folder (a checkout or a global install), which `npm install` links, since moltbot
 * need not be in any registry. A package-lock.json pins the other dependencies to the versions
 * moltbot is tested with, so the install also works offline from npm's cache.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { MANIFEST_FILE, PACKAGE_PREFIX } from '../../core/resolve-plugin.ts';
import { PACKAGE } from '../../core/version.ts';
import { pluginLockfile, type LockPackages } from './plugin-lock.ts';
import { CliExit, CliUsageError, type CliIo } from './types.ts';

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MAX_NAME = 50;

export interface CreateRequest {
  name: string;
  template: string;
  /** Target folder; relative paths resolve from `cwd`. */
  dir: string;
  cwd: string;
}

export interface CreateResult {
  dir: string;
  /** Paths written, relative to `dir`, sorted. */
  files: string[];
}

/** The templates shipped in the package (found from its root, from source and from dist/). */
export function templatesDir(): string {
  return join(PACKAGE.root, 'templates');
}

/** Every finished template: a folder of templates/ with a manifest. */
export function listTemplates(): string[] {
  const root = templatesDir();
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((name) => existsSync(join(root, name, MANIFEST_FILE))).sort();
}

/** Why `name` cannot name a plugin, or undefined when it can. */
export function checkPluginName(name: string): string | undefined {
  if (name.startsWith(PACKAGE_PREFIX)) return `drop the "${PACKAGE_PREFIX}" prefix: the package is named ${PACKAGE_PREFIX}<name> for you`;
  if (/[/\\]|\.\./.test(name)) return 'a plugin name is not a path: no "/", "\\" or ".."';
  if (name.length > MAX_NAME) return `at most ${MAX_NAME} characters`;
  if (!NAME.test(name)) return 'use kebab-case: lowercase letters and digits in words joined by "-", starting with a letter (e.g. my-alerts)';
  return undefined;
}

/** Placeholder → value; a template using any other `__WORD__` fails the copy. */
function placeholders(name: string): Record<string, string> {
  const own = PACKAGE;
  const range = `^${own.version}`;
  // Templates are pinned to what moltbot itself is built and tested with.
  const pin = (pkg: string) => {
    const version = own.dependencies[pkg] ?? own.devDependencies[pkg];
    if (!version) throw new Error(`moltbot's package.json has no dependency ${pkg} to pin templates to`);
    return version;
  };
  // A JSON string's content: the folder may hold characters JSON escapes (\\ on Windows).
  const devSpec = JSON.stringify(`file:${own.root}`).slice(1, -1);
  return {
    __NAME__: name,
    __MOLTBOT_RANGE__: range,
    __MOLTBOT_DEV__: devSpec,
    __VITEST_VERSION__: pin('vitest'),
    __TYPESCRIPT_VERSION__: pin('typescript'),
    __TYPES_NODE_VERSION__: pin('@types/node'),
    __KEYV_VERSION__: pin('keyv'),
  };
}

function fill(text: string, values: Record<string, string>, file: string): string {
  const filled = text.replace(/__[A-Z][A-Z_]*__/g, (key) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template file ${file} uses unknown placeholder ${key}`);
    return value;
  });
  return filled;
}

/** templates/lock.json: the versions of the templates' registry dependencies (see plugin-lock.ts). */
function lockedPackages(): LockPackages {
  return (JSON.parse(readFileSync(join(templatesDir(), 'lock.json'), 'utf8')) as { packages: LockPackages }).packages;
}

function writeLockfile(dir: string): void {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Parameters<typeof pluginLockfile>[0];
  const lock = pluginLockfile(pkg, { dir, moltbotRoot: PACKAGE.root, moltbotVersion: PACKAGE.version, locked: lockedPackages() });
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
}

/**
 * In a checkout that was never built, the package's type check and tests have no moltbot
 * to load: `moltbot`'s exports name dist/ (a plugin package cannot compile moltbot's sources).
 */
export function needsBuild(): boolean {
  return existsSync(join(PACKAGE.root, 'app', 'cli.ts')) && !existsSync(join(PACKAGE.root, 'dist', 'app', 'index.d.ts'));
}

export function scaffoldPlugin(request: CreateRequest): CreateResult {
  const problem = checkPluginName(request.name);
  if (problem) throw new CliUsageError(`invalid plugin name "${request.name}": ${problem}`);
  const templates = listTemplates();
  if (!templates.includes(request.template)) {
    throw new CliUsageError(`unknown template "${request.template}"; available: ${templates.join(', ')}`);
  }
  const dir = resolve(request.cwd, request.dir);
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) {
    throw new CliUsageError(`${dir} already exists and is not an empty folder; choose another --dir or remove it`);
  }
  const source = join(templatesDir(), request.template);
  const values = placeholders(request.name);
  const files: string[] = [];
  const copy = (from: string, to: string) => {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      // npm drops .gitignore from published packages, so templates ship it as _gitignore.
      const target = join(to, entry.name === '_gitignore' ? '.gitignore' : entry.name);
      if (entry.isDirectory()) copy(join(from, entry.name), target);
      else {
        writeFileSync(target, fill(readFileSync(join(from, entry.name), 'utf8'), values, join(from, entry.name)));
        files.push(relative(dir, target));
      }
    }
  };
  copy(source, dir);
  writeLockfile(dir);
  files.push('package-lock.json');
  return { dir, files: files.sort() };
}

export function nextSteps(result: CreateResult, request: CreateRequest): string {
  const fromCwd = relative(request.cwd, result.dir);
  const shown = fromCwd === '' ? '.' : fromCwd.startsWith('..') ? result.dir : fromCwd;
  const ref = shown.startsWith('.') || isAbsolute(shown) ? shown : `./${shown}`;
  return [
    `Created ${PACKAGE_PREFIX}${request.name} from template "${request.template}" in ${shown} (${result.files.length} files)`,
    '',
    'Next steps:',
    ...(needsBuild() ? [`  (once) build the moltbot checkout it links to: cd ${PACKAGE.root} && npm run build`] : []),
    `  cd ${shown}`,
    '  npm install',
    '  npm test',
    `  then list it in your moltbot.config.ts: plugins: ['${ref}/index.ts']`,
    `  and check it: moltbot plugins info ${ref}`,
    '',
  ].join('\n');
}

interface Flags {
  template?: string;
  dir?: string;
  yes?: boolean;
}

/** Asks for what the flags left open; undefined when the user cancelled. */
async function ask(name: string | undefined, flags: Flags): Promise<{ name: string; template: string; dir: string } | undefined> {
  const prompts = await import('@clack/prompts');
  prompts.intro('moltbot plugin create');
  const chosenName = name ?? await prompts.text({
    message: 'Plugin name (kebab-case)',
    placeholder: 'my-alerts',
    validate: (value) => checkPluginName(value ?? ''),
  });
  if (prompts.isCancel(chosenName)) return undefined;
  const template = flags.template ?? await prompts.select({
    message: 'Template',
    options: listTemplates().map((value) => ({ value, label: value })),
  });
  if (prompts.isCancel(template)) return undefined;
  const dir = flags.dir ?? await prompts.text({ message: 'Folder', initialValue: `./${chosenName}` });
  if (prompts.isCancel(dir)) return undefined;
  return { name: chosenName, template, dir };
}

export function registerPluginCreate(program: Command, io: CliIo): void {
  program
    .command('plugin')
    .description('author plugins')
    .command('create [name]')
    .description('scaffold a plugin package from a template (interactive in a terminal)')
    .option('-t, --template <template>', `starter to copy (${listTemplates().join(', ')})`)
    .option('-d, --dir <dir>', 'target folder, must be empty or absent (default: ./<name>)')
    .option('-y, --yes', 'no questions: take the defaults for every option not given')
    .action(async (name: string | undefined, flags: Flags) => {
      const interactive = !flags.yes && process.stdin.isTTY === true && process.stdout.isTTY === true;
      let request: CreateRequest;
      if (interactive) {
        const answers = await ask(name, flags);
        if (!answers) {
          io.stderr('cancelled: nothing was created\n');
          throw new CliExit(1);
        }
        request = { ...answers, cwd: io.cwd };
      } else {
        if (name === undefined) throw new CliUsageError('missing plugin name: moltbot plugin create <name> [--template T] [--dir D]');
        request = { name, template: flags.template ?? 'plugin', dir: flags.dir ?? `./${name}`, cwd: io.cwd };
      }
      io.stdout(nextSteps(scaffoldPlugin(request), request));
    });
}
