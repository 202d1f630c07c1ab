/**
 * Figures plugins add through `collectMetrics`. Each tap is called with a collector of its own,
 * so a figure lands under `<plugin>.<name>` and a tap that throws loses only its own figures
 * (it is logged), never the scrape.
 */
import type { KernelHooks } from '../../sdk/core/index.ts';
import type { MetricsCollector } from '../../sdk/core/index.ts';
import type { Logger } from '../../sdk/core/index.ts';
import type { PluginFigure } from '../../sdk/ops/index.ts';


interface Tap {
  type: 'sync' | 'async' | 'promise';
  name: string;
  fn: (...args: unknown[]) => unknown;
}

const NAME = /^[a-zA-Z_][a-zA-Z0-9_.]*$/;

export async function collectPluginFigures(hooks: KernelHooks, log: Logger): Promise<PluginFigure[]> {
  const taps = (hooks.collectMetrics as unknown as { taps: Tap[] }).taps;
  const figures: PluginFigure[] = [];
  await Promise.all(taps.map(async (tap) => {
    const collector: MetricsCollector = {
      set(name, value, labels = {}) {
        if (!NAME.test(name) || typeof value !== 'number' || !Number.isFinite(value)) {
          log.warn({ plugin: tap.name, metric: String(name) }, 'ignored a metric that is not a finite number under a valid name');
          return;
        }
        figures.push({ plugin: tap.name, name, value, labels: { ...labels } });
      },
    };
    try {
      await callTap(tap, collector);
    } catch (error) {
      log.warn({ err: error, plugin: tap.name }, 'a collectMetrics tap failed; its figures are left out');
    }
  }));
  return figures;
}

function callTap(tap: Tap, collector: MetricsCollector): Promise<unknown> {
  if (tap.type === 'async') {
    return new Promise((resolve, reject) => tap.fn(collector, (error?: unknown) => (error ? reject(error) : resolve(undefined))));
  }
  return Promise.resolve().then(() => tap.fn(collector));
}
