/** `alert-console`: alert events as one human-readable line each on stderr (or stdout). */
import schema from '../../schemas/plugins/alert-console.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/alert-console.validate.ts';
import type { Alert, Severity } from '../../sdk/core/index.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { tapAlertSink } from '../../sdk/alerts/index.ts';

export interface AlertConsoleOptions {
  stream: 'stderr' | 'stdout';
  minSeverity: Severity;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export function formatAlert(alert: Alert): string {
  const state = alert.state === 'resolved' ? 'RESOLVED' : alert.severity.toUpperCase();
  return `${new Date(alert.at).toISOString()} ${state} ${alert.id}: ${alert.message} [${alert.source}]`;
}

export default definePlugin<AlertConsoleOptions>({
  name: 'alert-console',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Alert sink "console": one line per alert event on stderr',
  schema,
  validate: validateOptions,
  defaults: { stream: 'stderr', minSeverity: 'info' },
  setup(ctx, options) {
    tapAlertSink(ctx, 'console', (alert) => {
      if (RANK[alert.severity] < RANK[options.minSeverity]) return;
      process[options.stream].write(`${formatAlert(alert)}\n`);
    });
  },
});
