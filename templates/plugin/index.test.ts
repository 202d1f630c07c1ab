import { describe, expect, it } from 'vitest';
import { definePlugin } from 'moltbot/plugin-sdk/core';
import { createTestKernel } from 'moltbot/testing';
import plugin, { greeterServiceRef } from './index.ts';
import schema from './schema.json' with { type: 'json' };

describe('__NAME__', () => {
  it('provides a greeter built from its options', async () => {
    const kernel = await createTestKernel({ plugins: [[plugin, { greeting: 'Hi', punctuation: '.' }]] });
    const greeter = kernel.use(greeterServiceRef);
    expect(greeter.greet('Ada')).toBe('Hi, Ada.');
    expect(greeter.count()).toBe(1);
  });

  it('fills in defaults and logs when the kernel is ready', async () => {
    const kernel = await createTestKernel({ plugins: [plugin] });
    expect(kernel.use(greeterServiceRef).greet('Ada')).toBe('Hello, Ada!');
    expect(kernel.logs.some((line) => line.plugin === '__NAME__' && line.msg === '__NAME__ ready')).toBe(true);
  });

  it('serves a plugin that consumes it by reference, set up after it', async () => {
    const greeted: string[] = [];
    const consumer = definePlugin({
      name: 'consumer',
      version: '0.1.0',
      kernel: '__MOLTBOT_RANGE__',
      consumes: [greeterServiceRef],
      setup(ctx) {
        greeted.push(ctx.use(greeterServiceRef).greet('Grace'));
      },
    });
    await createTestKernel({ plugins: [consumer, plugin] });
    expect(greeted).toEqual(['Hello, Grace!']);
    await expect(createTestKernel({ plugins: [consumer] })).rejects.toThrow(/__NAME__/);
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
