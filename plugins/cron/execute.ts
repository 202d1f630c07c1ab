/** One run of a job: an agent turn in the job's session, then the reply's delivery. */
import type { AgentService } from '../../sdk/agent/index.ts';
import { deliver, type DeliverDeps } from './deliver.ts';
import { isHeartbeatOk } from './heartbeat.ts';
import type { Job } from './job.ts';

export interface ExecuteDeps extends DeliverDeps {
  agent(): AgentService;
  /** Aborted when the kernel closes: the turn stops. */
  signal: AbortSignal;
  /** Told what each finished turn did with its reply. */
  onReply?(info: { job: Job; runId: string; silent: boolean }): void;
}

export function createExecutor(deps: ExecuteDeps): (job: Job, slot: number | undefined) => Promise<void> {
  return async (job, slot) => {
    const result = await deps.agent().run({
      sessionKey: job.session,
      message: job.message,
      signal: deps.signal,
      metadata: { cron: { jobId: job.id, ...(slot !== undefined ? { slot } : {}) } },
    });
    const silent = job.source === 'heartbeat' && isHeartbeatOk(result.text);
    if (!silent) {
      await deliver(job.deliver, {
        jobId: job.id,
        ...(slot !== undefined ? { slot: new Date(slot).toISOString() } : {}),
        sessionKey: job.session,
        runId: result.runId,
        text: result.text,
        at: new Date().toISOString(),
      }, deps);
    }
    deps.onReply?.({ job, runId: result.runId, silent });
  };
}
