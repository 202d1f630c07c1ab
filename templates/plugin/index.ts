/**
 * __NAME__: a Moltbot plugin. It provides a `__NAME__` service other plugins reach with
 * `ctx.use('__NAME__')` (list '__NAME__' in their `dependencies` so it is set up first).
 */
import { definePlugin } from 'moltbot';
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

// Types `ctx.use('__NAME__')` / `kernel.use('__NAME__')` for every plugin that imports this one.
declare module 'moltbot' {
  interface Services {
    '__NAME__': GreeterService;
  }
}

export default definePlugin<Options>({
  name: '__NAME__',
  version: '0.1.0',
  kernel: '__MOLTBOT_RANGE__',
  description: 'A Moltbot plugin: a service other plugins use, configured by its options.',
  schema,
  defaults: { greeting: 'Hello', punctuation: '!' },
  setup(ctx, options) {
    let greeted = 0;
    ctx.provide('__NAME__', {
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
