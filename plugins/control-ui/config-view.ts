/**
 * The config as the dashboard shows it (`config.get`) and the way back (`config.validate`).
 * Shown: the effective config with every secret masked (the root schema's and each loaded
 * plugin's own, at its options' position: the masking `moltbot config print` uses), then the log
 * redactor's pass over the result, as the doctor bundle does (a secret value repeated in another
 * field, a URL with a password, a key-shaped string are masked too); inline plugin objects are
 * code, not config, and show as a name. Back: what the page sends is that view edited, so each
 * value it still shows exactly as masked is put back from the running config before the edit is
 * checked, and each inline plugin's name becomes that plugin again. Nothing secret ever leaves.
 */
import type { PluginContext } from '../../sdk/core/index.ts';
import { createRedactor, type Redactor } from '../../sdk/core/index.ts';

type Config = Record<string, unknown>;

/** A plugin entry's name as shown: inline plugin objects are code, not config. */
function shownName(reference: unknown): unknown {
  if (typeof reference === 'string') return reference;
  if (typeof reference === 'object' && reference !== null && 'name' in reference) return `<plugin object ${String((reference as { name: unknown }).name)}>`;
  return '(inline plugin)';
}

const referenceOf = (entry: unknown): unknown => (Array.isArray(entry) ? entry[0] : entry);

/** Plugin entries as names. */
function shownEntries(entries: unknown): unknown[] {
  if (!Array.isArray(entries)) return [];
  return entries.map((entry) => (Array.isArray(entry) ? [shownName(entry[0]), entry[1]] : shownName(entry)));
}

export interface ConfigView {
  /** The running config as `config.get` answers it. */
  shown(): Config;
  /** An edited copy of `shown()` as a config the kernel can check: masked values and inline plugins put back. */
  restored(edited: Config): Config;
  /** `config` with its plugin entries' references as shown (plain data: inline plugins are code). */
  asData(config: Config): Config;
  /** A function masking every secret of the running config and of `config` in a text (a problem's message). */
  scrubberFor(config: Config): (text: string) => string;
}

export function configView(ctx: Pick<PluginContext, 'config' | 'secrets'>): ConfigView {
  const redactor = (extra: readonly string[] = []): Redactor => {
    const values = [...ctx.secrets.values(ctx.config), ...extra];
    return createRedactor({ values: () => values });
  };
  const shown = (): Config => {
    // Masked before the plugin entries are rewritten: each plugin's schema applies at its own position.
    const masked = ctx.secrets.mask({ ...ctx.config, plugins: shownEntries(ctx.config.plugins) });
    return JSON.parse(redactor().scrubJsonLine(JSON.stringify(masked))) as Config;
  };
  return {
    shown,
    restored(edited) {
      const view = shown();
      const running = ctx.config as Config;
      const restored = putBack(edited, view, running) as Config;
      if (Array.isArray(edited['plugins'])) restored['plugins'] = restoredEntries(edited['plugins'], view['plugins'], running['plugins']);
      return restored;
    },
    asData: (config) => (Array.isArray(config['plugins']) ? { ...config, plugins: shownEntries(config['plugins']) } : config),
    scrubberFor(config) {
      const scrubber = redactor(ctx.secrets.values(config));
      return (text) => scrubber.scrubText(text);
    },
  };
}

/**
 * `edited` with each string that equals the view's string at the same path, where the view
 * masked the running value, replaced by the running value. Edited strings stay as they are.
 */
function putBack(edited: unknown, view: unknown, running: unknown): unknown {
  if (typeof edited === 'string') {
    return typeof view === 'string' && edited === view && typeof running === 'string' && running !== view ? running : edited;
  }
  if (Array.isArray(edited)) {
    return edited.map((item, index) => putBack(item, Array.isArray(view) ? view[index] : undefined, Array.isArray(running) ? running[index] : undefined));
  }
  if (typeof edited === 'object' && edited !== null) {
    const out: Record<string, unknown> = {};
    const viewObject = isObject(view) ? view : {};
    const runningObject = isObject(running) ? running : {};
    for (const [key, value] of Object.entries(edited)) out[key] = putBack(value, viewObject[key], runningObject[key]);
    return out;
  }
  return edited;
}

/**
 * Plugin entries matched to the running ones by the name shown (not by position: an edit may
 * add, drop or reorder entries), inline plugins given back their object, options put back as
 * above. A name that matches no running entry is left as written (the kernel resolves or refuses it).
 */
function restoredEntries(edited: unknown[], view: unknown, running: unknown): unknown[] {
  const viewEntries = Array.isArray(view) ? view : [];
  const runningEntries = Array.isArray(running) ? running : [];
  const used = new Set<number>();
  return edited.map((entry) => {
    const name = referenceOf(entry);
    const at = viewEntries.findIndex((candidate, index) => !used.has(index) && referenceOf(candidate) === name);
    if (at < 0) return entry;
    used.add(at);
    const reference = referenceOf(runningEntries[at]);
    if (!Array.isArray(entry)) return reference;
    const viewOptions = Array.isArray(viewEntries[at]) ? (viewEntries[at] as unknown[])[1] : undefined;
    const runningOptions = Array.isArray(runningEntries[at]) ? (runningEntries[at] as unknown[])[1] : undefined;
    return [reference, putBack(entry[1], viewOptions, runningOptions)];
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
