// `moltbot` and `moltbot/*` imported by a config file or an outside plugin resolve to the
// moltbot that is running, wherever that file lives: under a global install nothing named
// `moltbot` sits in the user's node_modules, and two copies would mean two MoltbotError classes.
// In a checkout the `moltbot-source` export condition picks the TypeScript sources, so no build
// step is needed.
import { realpathSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SELF = /^moltbot(\/|$)/;

/** dist/ as Node names the bundle's files: a real path (Node resolves the CLI entry to one). */
function realDistURL() {
  try {
    return `${pathToFileURL(realpathSync(fileURLToPath(new URL('../dist/', import.meta.url)))).href}/`;
  } catch {
    return undefined; // no build here: nothing to shortcut
  }
}

/**
 * The URL of a relative import between two files of the built bundle, or undefined for any other
 * import. The bundle's files import each other by relative path only, and Node's resolver would
 * realpath and stat each of the ≈ 230 imports a start makes: enough of its own path code to get
 * optimised by TurboFan, whose pages then stay resident (5 MB of an idle gateway, issue 23).
 * The parent is already a real path (Node resolved the entry), so the child is too.
 */
export function bundleImport(specifier, parentURL, dist) {
  if (dist === undefined || parentURL === undefined || !parentURL.startsWith(dist) || !(specifier.startsWith('./') || specifier.startsWith('../'))) return undefined;
  const url = new URL(specifier, parentURL).href;
  return url.startsWith(dist) && url.endsWith('.js') ? url : undefined;
}

export function resolveOwnPackage({ fromSource }) {
  const parentURL = import.meta.url;
  const dist = fromSource ? undefined : realDistURL();
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      const bundled = bundleImport(specifier, context.parentURL, dist);
      if (bundled !== undefined) return { url: bundled, format: 'module', shortCircuit: true };
      if (!SELF.test(specifier)) return nextResolve(specifier, context);
      const conditions = fromSource ? [...context.conditions, 'moltbot-source'] : context.conditions;
      return nextResolve(specifier, { ...context, parentURL, conditions });
    },
  });
}
