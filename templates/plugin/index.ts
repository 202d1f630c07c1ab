/**
 * __NAME__: a Moltbot plugin. It provides a `__NAME__` service other plugins reach by reference:
 * they declare `consumes: [greeterServiceRef]` (the kernel sets this plugin up first, and names
 * it when it is missing) and call `ctx.use(greeterServiceRef)`, typed without casts.
 */
import { createServiceRef, definePlugin } from 'moltbot/plugin-sdk/core';
import schema from './schema.json' with { type: 'json' };

export interface Options {
  greeting: string;
  punctuation: '.' | '!';
}

export interface GreeterService {
  greet(name: string): string;
  /** How many greetings this process produced. */
  count(): number;
}

/** The greeter service; its id is the name `moltbot plugins info` and error messages show. */
export const greeterServiceRef = createServiceRef<GreeterService>({
  id: '__NAME__',
  description: 'Greets by name with the configured greeting (plugin "__NAME__")',
});

export default definePlugin<Options>({
  name: '__NAME__',
  version: '0.1.0',
  kernel: '__MOLTBOT_RANGE__',
  description: 'A Moltbot plugin: a service other plugins use, configured by its options.',
  schema,
  defaults: { greeting: 'Hello', punctuation: '!' },
  provides: [greeterServiceRef],
  setup(ctx, options) {
    let greeted = 0;
    ctx.provide(greeterServiceRef, {
      greet(name) {
        greeted++;
        return `${options.greeting}, ${name}${options.punctuation}`;
      },
      count: () => greeted,
    });
    ctx.hooks.ready.tap(ctx.name, () => ctx.log.info({ greeting: options.greeting }, '__NAME__ ready'));
    ctx.onClose(() => ctx.log.info({ greeted }, '__NAME__ closed'));
  },
});
