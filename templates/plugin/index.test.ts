import { describe, expect, it } from 'vitest';
import { createTestKernel } from 'moltbot/testing';
import plugin from './index.ts';
import schema from './schema.json' with { type: 'json' };

describe('__NAME__', () => {
  it('provides a greeter built from its options', async () => {
    const kernel = await createTestKernel({ plugins: [[plugin, { greeting: 'Hi', punctuation: '.' }]] });
    const greeter = kernel.use('__NAME__');
    expect(greeter.greet('Ada')).toBe('Hi, Ada.');
    expect(greeter.count()).toBe(1);
  });

  it('fills in defaults and logs when the kernel is ready', async () => {
    const kernel = await createTestKernel({ plugins: [plugin] });
    expect(kernel.use('__NAME__').greet('Ada')).toBe('Hello, Ada!');
    expect(kernel.logs.some((line) => line.plugin === '__NAME__' && line.msg === '__NAME__ ready')).toBe(true);
  });

  it('refuses unknown options before any plugin code runs', async () => {
    await expect(createTestKernel({ plugins: [[plugin, { greting: 'Hi' }]] })).rejects.toThrow(/greting/);
  });

  it('documents the same defaults in schema.json as in the code', () => {
    const documented = Object.fromEntries(Object.entries(schema.properties)
      .flatMap(([key, property]) => ('default' in property ? [[key, property.default]] : [])));
    expect(documented).toEqual(plugin.defaults);
  });
});
