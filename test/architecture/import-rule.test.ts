/**
 * The layering of ARCHITECTURE.md, checked on every file: core imports nothing above it, the SDK
 * imports no plugin, and a plugin imports only its own files, the SDK's entry files and npm
 * packages — so whatever a first-party plugin does, a plugin published elsewhere can do.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '../..');
const SPECIFIER = /(?:\bfrom\s+|\bdeclare\s+module\s+|\bimport\s*\(\s*|^\s*import\s+)(['"])([^'"]+)\1/gm;

interface Edge { from: string; to: string }

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(REPO, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(m?ts|m?js)$/.test(entry.name))
    .map((entry) => path.relative(REPO, path.join(entry.parentPath, entry.name)));
}

function relativeEdges(dir: string): Edge[] {
  return sourceFiles(dir).flatMap((from) => {
    const source = readFileSync(path.join(REPO, from), 'utf8');
    return [...source.matchAll(SPECIFIER)]
      .map((match) => match[2] as string)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => ({ from, to: path.relative(REPO, path.resolve(REPO, path.dirname(from), specifier)) }));
  });
}

const layer = (file: string) => file.split('/')[0] as string;
const pluginOf = (file: string) => file.split('/')[1] as string;
const SDK_ENTRY = /^sdk\/[a-z-]+\/index\.ts$/;
/** Its own option schema and the validator generated from it. */
const ownSchema = (plugin: string, to: string) =>
  to === `schemas/plugins/${plugin}.json` || to.startsWith(`schemas/generated/${plugin}.`);

/** A plugin may import its own files and the SDK's entry files, nothing else in the repo. */
function pluginViolations(): string[] {
  return relativeEdges('plugins')
    .filter(({ from, to }) => !(layer(to) === 'plugins' && pluginOf(to) === pluginOf(from)) && !SDK_ENTRY.test(to) && !ownSchema(pluginOf(from), to))
    .map(({ from, to }) => `${from} -> ${to}`);
}

describe('import rule', () => {
  it('core imports nothing from sdk/, app/ or plugins/', () => {
    const above = relativeEdges('core').filter(({ to }) => !['core', 'schemas'].includes(layer(to)));
    expect(above.map(({ from, to }) => `${from} -> ${to}`)).toEqual([]);
  });

  it('the SDK imports only core and itself', () => {
    const wrong = relativeEdges('sdk').filter(({ to }) => !['core', 'sdk', 'schemas'].includes(layer(to)));
    expect(wrong.map(({ from, to }) => `${from} -> ${to}`)).toEqual([]);
  });

  it('SDK areas do not import each other in a cycle', () => {
    const graph = new Map<string, Set<string>>();
    for (const { from, to } of relativeEdges('sdk')) {
      if (layer(to) !== 'sdk' || pluginOf(to) === pluginOf(from)) continue;
      graph.set(pluginOf(from), (graph.get(pluginOf(from)) ?? new Set()).add(pluginOf(to)));
    }
    const cycles: string[] = [];
    const visit = (area: string, trail: string[]) => {
      if (trail.includes(area)) return void cycles.push([...trail.slice(trail.indexOf(area)), area].join(' -> '));
      for (const next of graph.get(area) ?? []) visit(next, [...trail, area]);
    };
    for (const area of graph.keys()) visit(area, []);
    expect(cycles).toEqual([]);
  });

  it('a plugin imports only its own files and the SDK entry files', () => {
    expect(pluginViolations()).toEqual([]);
  });
});
