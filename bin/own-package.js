// `moltbot` and `moltbot/*` imported by a config file or an outside plugin resolve to the
// moltbot that is running, wherever that file lives: under a global install nothing named
// `moltbot` sits in the user's node_modules, and two copies would mean two MoltbotError classes.
// In a checkout the `moltbot-source` export condition picks the TypeScript sources, so no build
// step is needed.
import module from 'node:module';

const SELF = /^moltbot(\/|$)/;
const DIST = new URL('../dist/', import.meta.url).href;

/**
 * The URL of a relative import between two files of the built bundle, or undefined for any other
 * import. The bundle's files import each other by relative path only, and Node's resolver would
 * realpath and stat each of the ≈ 230 imports a start makes: enough of its own path code to get
 * optimised by TurboFan, whose pages then stay resident (5 MB of an idle gateway, issue 23).
 * The parent is already a real path (Node resolved the entry), so the child is too.
 */
export function bundleImport(specifier, parentURL, dist = DIST) {
  if (parentURL === undefined || !parentURL.startsWith(dist) || !(specifier.startsWith('./') || specifier.startsWith('../'))) return undefined;
  const url = new URL(specifier, parentURL).href;
  return url.startsWith(dist) && url.endsWith('.js') ? url : undefined;
}

export function resolveOwnPackage({ fromSource }) {
  const parentURL = import.meta.url;
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      const bundled = fromSource ? undefined : bundleImport(specifier, context.parentURL);
      if (bundled !== undefined) return { url: bundled, format: 'module', shortCircuit: true };
      if (!SELF.test(specifier)) return nextResolve(specifier, context);
      const conditions = fromSource ? [...context.conditions, 'moltbot-source'] : context.conditions;
      return nextResolve(specifier, { ...context, parentURL, conditions });
    },
  });
}
