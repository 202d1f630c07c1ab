/**
 * Every tap on the `alert` hook runs guarded: a sink that throws (synchronously or not) is
 * logged and the others still get the alert. tapable's parallel hook would otherwise stop
 * calling the taps after one that throws synchronously, and reject the caller.
 */
import type { KernelHooks } from '../../sdk/core/index.ts';
import type { Logger } from '../../sdk/core/index.ts';

interface Tap {
  type: 'sync' | 'async' | 'promise';
  name: string;
  fn: (...args: any[]) => any;
}

export function guardAlertTaps(hooks: KernelHooks, log: Logger): void {
  const report = (tap: Tap, error: unknown) => log.error({ err: error, sink: tap.name }, 'an alert sink failed; the other sinks still got the alert');
  (hooks.alert as unknown as { intercept(i: { register(tap: Tap): Tap }): void }).intercept({
    register(tap) {
      const fn = tap.fn;
      if (tap.type === 'promise') {
        return { ...tap, fn: (...args: unknown[]) => Promise.resolve().then(() => fn(...args)).catch((error: unknown) => report(tap, error)) };
      }
      if (tap.type === 'async') {
        return {
          ...tap,
          fn: (...args: unknown[]) => {
            const callback = args.pop() as () => void;
            try {
              fn(...args, (error?: unknown) => {
                if (error) report(tap, error);
                callback();
              });
            } catch (error) {
              report(tap, error);
              callback();
            }
          },
        };
      }
      return {
        ...tap,
        fn: (...args: unknown[]) => {
          try {
            fn(...args);
          } catch (error) {
            report(tap, error);
          }
        },
      };
    },
  });
}
