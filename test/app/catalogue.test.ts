/**
 * The app catalogue's metadata stays true to the plugins it names: the section → plugin map is
 * kept in app/catalogue.ts so nothing is imported to know it, and this test imports every
 * first-party plugin to check it against their definitions.
 */
import { describe, expect, it } from 'vitest';
import rootSchema from '../../schemas/moltbot.config.json' with { type: 'json' };
import { CONFIG_SECTIONS, EMBEDDED_PRESET, EMBEDDED_SECTIONS, FIRST_PARTY } from '../../app/catalogue.ts';
import type { AnyPlugin } from '../../core/plugin.ts';
import { spawnNode } from '../helpers/cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const definitions = new Map<string, AnyPlugin>();
for (const [name, load] of Object.entries(FIRST_PARTY)) definitions.set(name, ((await load()) as { default: AnyPlugin }).default);

type Schema = { properties?: Record<string, unknown>; additionalProperties?: unknown };

/** Whether `path` names a key the root schema allows (a named property, or any key of a map such as `channels`). */
function inRootSchema(path: string): boolean {
  let schema: Schema | undefined = rootSchema as Schema;
  for (const key of path.split('.')) {
    const next: unknown = schema?.properties?.[key] ?? (typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (next === undefined) return false;
    schema = next as Schema;
  }
  return true;
}

describe('first-party catalogue metadata', () => {
  it('every plugin has a one-line description', () => {
    for (const [name, plugin] of definitions) {
      expect(plugin.name, name).toBe(name);
      expect(plugin.description, name).toMatch(/^[^\n]{10,200}$/);
    }
  });

  it('every section path exists in the root schema and its plugins declare it in `sections`', () => {
    for (const section of CONFIG_SECTIONS) {
      expect(inRootSchema(section.path), section.path).toBe(true);
      for (const name of section.plugins) expect(definitions.get(name)?.sections ?? [], `${name} declares ${section.path}`).toContain(section.path);
      for (const name of section.readers ?? []) expect(definitions.has(name), `reader ${name}`).toBe(true);
    }
  });

  it('every section a first-party plugin declares is a root schema path the catalogue maps to it', () => {
    const mapped = new Set(CONFIG_SECTIONS.flatMap((section) => section.plugins.map((name) => `${name} ${section.path}`)));
    for (const [name, plugin] of definitions) {
      for (const path of plugin.sections ?? []) {
        expect(inRootSchema(path), `${name}: ${path}`).toBe(true);
        // `gateway` is the one section left unchecked (every CLI command reads its connection settings).
        if (path !== 'gateway') expect(mapped.has(`${name} ${path}`), `${name}: ${path} is in CONFIG_SECTIONS`).toBe(true);
      }
    }
  });

  it('importing the embedded preset (what every start does) loads no package only a later command needs', async () => {
    const { dir } = useTempDir();
    const catalogue = new URL('../../app/catalogue.ts', import.meta.url).href;
    const script = `
      import m from 'node:module';
      const bare = new Set();
      m.registerHooks({ resolve(s, c, n) { if (!/^(node:|[./]|file:|data:)/.test(s)) bare.add(s); return n(s, c); } });
      const { EMBEDDED_PRESET, FIRST_PARTY } = await import(${JSON.stringify(catalogue)});
      for (const name of EMBEDDED_PRESET) await FIRST_PARTY[name]();
      console.log(JSON.stringify([...bare]));`;
    const result = await spawnNode(['--input-type=module', '-e', script], { cwd: dir, timeoutMs: 60_000 });
    expect(result.stderr).toBe('');
    const loaded = JSON.parse(result.stdout) as string[];
    // Sanity: the trace sees the preset's own dependencies.
    expect(loaded).toContain('ws');
    // tar: backups and diagnostic bundles only (≈ 100 KB of code a start would compile and run).
    expect(loaded.filter((name) => name === 'tar' || name.startsWith('tar/'))).toEqual([]);
  }, 60_000);

  it('embedding kernels act on the sections whose plugins are outside the preset', () => {
    expect(EMBEDDED_SECTIONS.map((section) => section.path)).toEqual([
      'gateway.tailscale',
      'channels.webhook', 'channels.whatsapp', 'channels.telegram', 'channels.irc', 'channels.slack', 'channels.discord', 'channels.matrix',
      'agents.memoryLimit', 'agents.gcThreshold', 'tools.exec', 'tools.browser', 'cache.redis', 'redis', 'logging', 'mcp.servers',
    ]);
    for (const section of EMBEDDED_SECTIONS) for (const name of section.plugins) expect(EMBEDDED_PRESET).not.toContain(name);
  });
});
