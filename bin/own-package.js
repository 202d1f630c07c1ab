// `moltbot` and `moltbot/*` imported by a config file or an outside plugin resolve to the
// moltbot that is running, wherever that file lives: under a global install nothing named
// `moltbot` sits in the user's node_modules, and two copies would mean two MoltbotError classes.
// In a checkout the `moltbot-source` export condition picks the TypeScript sources, so no build
// step is needed.
import module from 'node:module';

const SELF = /^moltbot(\/|$)/;

export function resolveOwnPackage({ fromSource }) {
  const parentURL = import.meta.url;
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      if (!SELF.test(specifier)) return nextResolve(specifier, context);
      const conditions = fromSource ? [...context.conditions, 'moltbot-source'] : context.conditions;
      return nextResolve(specifier, { ...context, parentURL, conditions });
    },
  });
}
