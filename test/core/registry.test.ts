import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../core/plugin.ts';
import { orderPlugins, type PluginRecord } from '../../core/registry.ts';

const record = (name: string, extra: { dependencies?: string[]; optionalDependencies?: string[]; replaces?: string[]; kernel?: string } = {}, at?: string): PluginRecord => ({
  plugin: definePlugin({ name, version: '1.0.0', setup() {}, ...extra }),
  options: {},
  origin: 'inline',
  declaredAt: at ?? `plugins[${name}]`,
  // The kernel marks what it added itself (preset, implied by a section).
  ...(at?.startsWith('preset') ? { implicit: true } : {}),
});

const names = (records: PluginRecord[]) => records.map((r) => r.plugin.name);

describe('orderPlugins', () => {
  it.each([
    { case: 'keeps registration order without dependencies', input: [record('a'), record('b'), record('c')], expected: ['a', 'b', 'c'] },
    { case: 'moves dependencies first', input: [record('a', { dependencies: ['c'] }), record('b'), record('c')], expected: ['c', 'a', 'b'] },
    { case: 'resolves chains', input: [record('a', { dependencies: ['b'] }), record('b', { dependencies: ['c'] }), record('c')], expected: ['c', 'b', 'a'] },
    { case: 'orders optional dependencies that are present', input: [record('a', { optionalDependencies: ['b', 'absent'] }), record('b')], expected: ['b', 'a'] },
    { case: 'diamond', input: [record('top', { dependencies: ['l', 'r'] }), record('l', { dependencies: ['base'] }), record('r', { dependencies: ['base'] }), record('base')], expected: ['base', 'l', 'r', 'top'] },
  ])('$case', ({ input, expected }) => {
    expect(names(orderPlugins(input, '1.0.0'))).toEqual(expected);
  });

  it('reports a cycle with its path', () => {
    expect(() => orderPlugins([record('a', { dependencies: ['b'] }), record('b', { dependencies: ['c'] }), record('c', { dependencies: ['a'] })], '1.0.0'))
      .toThrowErrorMatchingInlineSnapshot(`[MoltbotError: Plugin dependencies form a cycle: a → b → c → a]`);
  });

  it('names both plugins when a dependency is missing', () => {
    expect(() => orderPlugins([record('metrics-exporter', { dependencies: ['metrics'] })], '1.0.0'))
      .toThrowErrorMatchingInlineSnapshot(`[MoltbotError: Plugin "metrics-exporter" depends on "metrics", which is not registered]`);
  });

  it('replaces: a preset plugin leaves, and dependencies on it are met by its replacement (ordered first)', () => {
    const ordered = orderPlugins([
      record('store-file', {}, 'preset "store-file"'),
      record('agent', { dependencies: ['store-file'] }, 'preset "agent"'),
      record('store-redis', { replaces: ['store-file'] }, 'plugins[0]'),
    ], '1.0.0');
    expect(names(ordered)).toEqual(['store-redis', 'agent']);
  });

  it('replaces: a replaced plugin the user declared too is a conflict naming both', () => {
    expect(() => orderPlugins([record('store-file', {}, 'plugins[0]'), record('store-redis', { replaces: ['store-file'] }, 'plugins[1]')], '1.0.0'))
      .toThrowErrorMatchingInlineSnapshot(`[MoltbotError: Plugin "store-redis" (plugins[1]) replaces "store-file" (plugins[0]): they provide the same services]`);
  });

  it('names both declarations of a duplicate', () => {
    expect(() => orderPlugins([record('a', {}, 'plugins[0]'), record('a', {}, 'plugins[3]')], '1.0.0'))
      .toThrowErrorMatchingInlineSnapshot(`[MoltbotError: Plugin "a" is registered twice (plugins[0] and plugins[3])]`);
  });

  it('checks the kernel range', () => {
    expect(() => orderPlugins([record('future', { kernel: '^2.0.0' })], '1.4.0'))
      .toThrowErrorMatchingInlineSnapshot(`[MoltbotError: Plugin "future" requires kernel ^2.0.0, this is 1.4.0]`);
    expect(names(orderPlugins([record('current', { kernel: '^1.0.0' })], '1.4.0'))).toEqual(['current']);
  });
});
