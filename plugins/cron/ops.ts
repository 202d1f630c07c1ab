/**
 * Operations: metrics (runs, failures, skipped and missed slots, lateness), one alert per job
 * after N consecutive failures (resolved by its next success), and the doctor check for a stuck
 * scheduler (an enabled job whose next run is past by more than the margin).
 */
import type { Alert, CheckReport, MetricsCollector } from '../../sdk/core/index.ts';
import type { Delivery } from './job.ts';
import type { RunOutcome, Totals } from './scheduler.ts';
import type { JobState } from './store.ts';

export function collectCronMetrics(collector: MetricsCollector, totals: Totals, jobs: { id: string; running: boolean; state: JobState }[]): void {
  collector.set('jobs', jobs.length);
  collector.set('running', jobs.filter((j) => j.running).length);
  collector.set('runs_total', totals.runs);
  collector.set('failures_total', totals.failures);
  collector.set('skipped_total', totals.skipped);
  collector.set('missed_total', totals.missed);
  collector.set('lateness_last_ms', totals.lastLatenessMs);
  collector.set('lateness_max_ms', totals.maxLatenessMs);
  for (const job of jobs) collector.set('job_consecutive_failures', job.state.failures, { job: job.id });
}

/** Fires `cron.job-failing` once a job fails `after` times in a row; resolves it on success. */
export function failureAlerts(after: number, send: (alert: Alert) => void): (outcome: RunOutcome) => void {
  const firing = new Set<string>();
  return ({ job, state, ok, error }) => {
    const base = { id: `cron.job-failing.${job.id}`, source: 'cron', at: Date.now(), data: { job: job.id, failures: state.failures } };
    if (!ok && state.failures >= after && !firing.has(job.id)) {
      firing.add(job.id);
      send({ ...base, severity: 'warning', state: 'firing', message: `cron job "${job.id}" failed ${state.failures} times in a row: ${error ?? 'unknown error'}` });
    } else if (ok && firing.delete(job.id)) {
      send({ ...base, severity: 'info', state: 'resolved', message: `cron job "${job.id}" ran fine again` });
    }
  };
}

export function checkStuck(report: CheckReport, jobs: { id: string; running: boolean; state: JobState }[], now: number, marginMs: number, where: string): void {
  const late = jobs.filter((j) => !j.running && j.state.nextRunAt !== undefined && now - j.state.nextRunAt > marginMs);
  if (late.length === 0) {
    report.add({ id: 'cron.scheduler', severity: 'ok', title: 'Cron scheduler on time', description: `${jobs.length} job(s), none overdue (${where})` });
    return;
  }
  report.add({
    id: 'cron.scheduler',
    severity: 'warning',
    title: 'Cron jobs overdue',
    description: `${late.length} job(s) past their next run by more than ${Math.round(marginMs / 1000)} s: ${late.map((j) => `${j.id} (due ${new Date(j.state.nextRunAt!).toISOString()})`).join(', ')} (${where})`,
    recommendation: 'Check that `moltbot gateway` is running; if it is, its scheduler is stuck: look for cron errors in the log and restart the gateway.',
  });
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Security audit: replies POSTed in cleartext across the network. */
export function auditCron(report: CheckReport, jobs: { id: string; deliver?: Delivery }[]): void {
  const cleartext = jobs.filter(({ deliver }) => {
    if (typeof deliver !== 'object' || !('webhook' in deliver)) return false;
    try {
      const url = new URL(deliver.webhook);
      return url.protocol === 'http:' && !LOOPBACK.has(url.hostname);
    } catch {
      return false;
    }
  });
  // Audit findings are problems only (a clean audit lists none).
  if (cleartext.length === 0) return;
  report.add({
    id: 'cron.webhook_cleartext',
    severity: 'warning',
    title: 'Cron replies sent over plain http',
    description: `Job(s) ${cleartext.map((j) => j.id).join(', ')} POST agent replies (personal data) unencrypted to a non-loopback host.`,
    recommendation: 'Use an https:// webhook URL.',
  });
}
