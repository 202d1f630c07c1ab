/** The error codes the cron plugin raises (docs/errors.md lists every code). */
import { defineErrors } from '../../sdk/core/index.ts';

export const cronErrors = defineErrors('cron', {
  MOLT_ERR_CRON_INVALID_JOB: {
    title: 'Invalid cron job',
    fix: 'Give an id, a message and exactly one of at (ISO time), every (e.g. "30m") or cron (5 or 6 fields), with a valid IANA tz; see plugins/cron/README.md.',
  },
  MOLT_ERR_CRON_JOB_EXISTS: {
    title: 'A cron job with this id already exists',
    fix: 'Pick another id, or change the existing job with `cron.update`.',
  },
  MOLT_ERR_CRON_NOT_FOUND: {
    title: 'No such cron job',
    fix: '`moltbot cron list` shows the job ids.',
  },
  MOLT_ERR_CRON_READ_ONLY: {
    title: 'The cron job is declared in the config',
    fix: 'Change or remove it in `cron.jobs` of the config file; runtime changes apply to jobs added at runtime only.',
  },
  MOLT_ERR_CRON_BUSY: {
    title: 'The cron job is running',
    fix: 'Wait for the current run to finish; runs of one job never overlap.',
  },
  MOLT_ERR_CRON_FORBIDDEN: {
    title: 'Cron job out of reach of this session',
    fix: 'The cron tool works from the main session only, and a session changes only the jobs it added.',
  },
  MOLT_ERR_CRON_DELIVERY: {
    title: 'Cron run result could not be delivered',
    fix: 'Check the job\'s deliver target: the channel plugin is loaded and connected, or the webhook answers 2xx.',
  },
  MOLT_ERR_CRON_STATE: {
    title: 'Cron state file unreadable',
    fix: 'Repair or remove <stateDir>/cron/jobs.json (runtime jobs and run state live there), or restore it from a backup.',
  },
});
