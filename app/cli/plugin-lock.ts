/**
 * The package-lock.json `moltbot plugin create` writes beside a scaffolded package.json, so
 * `npm install` there works offline: npm resolves a version range from the registry's package
 * document (never kept in its cache by `npm ci`), but installs a locked version from the
 * tarball cache by its integrity. The locked versions are the ones moltbot itself is built and
 * tested with (templates/lock.json, cut from moltbot's package-lock.json by
 * scripts/templates-lock.ts), and `moltbot` is a link to the moltbot that scaffolded the package.
 */
import { relative, sep } from 'node:path';

/** One `packages` entry of an npm lockfile (v3): only the fields read here are typed. */
export interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [field: string]: unknown;
}

/** A lockfile's `packages`: install path (`node_modules/a/node_modules/b`) → entry. */
export type LockPackages = Record<string, LockEntry>;

/** Where `name` required from `from` lands in `packages`, by Node's walk up the folders. */
function locate(packages: LockPackages, from: string, name: string): string | undefined {
  for (let base = from; ; ) {
    const path = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
    if (packages[path]) return path;
    if (base === '') return undefined;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent < 0 ? '' : base.slice(0, parent);
  }
}

/**
 * The entries installing `prod` and `dev` (top-level package names) needs, at the paths they
 * have in `packages`, each flagged `dev` when only a dev dependency reaches it. Optional peers
 * are left out (npm installs them only when something else depends on them).
 */
export function lockClosure(packages: LockPackages, roots: { prod: readonly string[]; dev: readonly string[] }): LockPackages {
  const reached = new Map<string, 'prod' | 'dev'>();
  const visit = (path: string, kind: 'prod' | 'dev'): void => {
    const seen = reached.get(path);
    if (seen === 'prod' || seen === kind) return;
    reached.set(path, kind);
    const entry = packages[path]!;
    const optionalPeers = entry.peerDependenciesMeta ?? {};
    const wanted = [
      ...Object.keys(entry.dependencies ?? {}).map((name) => ({ name, required: true })),
      ...Object.keys(entry.optionalDependencies ?? {}).map((name) => ({ name, required: false })),
      ...Object.keys(entry.peerDependencies ?? {}).filter((name) => !optionalPeers[name]?.optional).map((name) => ({ name, required: true })),
    ];
    for (const { name, required } of wanted) {
      const found = locate(packages, path, name);
      if (found) visit(found, kind);
      else if (required) throw new Error(`lockfile has no ${name} for ${path}: regenerate it (npm install, then node scripts/templates-lock.ts)`);
    }
  };
  for (const [names, kind] of [[roots.prod, 'prod'], [roots.dev, 'dev']] as const) {
    for (const name of names) {
      const path = `node_modules/${name}`;
      if (!packages[path]) throw new Error(`lockfile has no ${name}: regenerate it (npm install, then node scripts/templates-lock.ts)`);
      visit(path, kind);
    }
  }
  const closure: LockPackages = {};
  for (const path of [...reached.keys()].sort()) {
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = packages[path]!;
    closure[path] = reached.get(path) === 'dev' ? { ...entry, dev: true } : entry;
  }
  return closure;
}

interface PluginManifest {
  name: string;
  version: string;
  license?: string;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/**
 * The lockfile of a scaffolded plugin package in `dir`: its registry dependencies at the
 * versions of `locked`, and `moltbot` linked to `moltbotRoot` (its `file:` dev dependency).
 */
export function pluginLockfile(pkg: PluginManifest, options: { dir: string; moltbotRoot: string; moltbotVersion: string; locked: LockPackages }): object {
  const registry = (deps: Record<string, string> | undefined) => Object.keys(deps ?? {}).filter((name) => name !== 'moltbot');
  const target = relative(options.dir, options.moltbotRoot).split(sep).join('/');
  const root: Record<string, unknown> = { name: pkg.name, version: pkg.version };
  for (const field of ['license', 'dependencies', 'devDependencies', 'engines', 'peerDependencies'] as const) {
    if (pkg[field] !== undefined) root[field] = pkg[field];
  }
  return {
    name: pkg.name,
    version: pkg.version,
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': root,
      [target]: { name: 'moltbot', version: options.moltbotVersion },
      'node_modules/moltbot': { resolved: target, link: true },
      ...lockClosure(options.locked, { prod: registry(pkg.dependencies), dev: registry(pkg.devDependencies) }),
    },
  };
}
