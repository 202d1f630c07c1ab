/**
 * `moltbot doctor`'s sandbox check: a real probe call through a worker process and an
 * isolate (proves isolated-vm loads on this machine and Node), plus the pool's crash record.
 */
import type { CheckReport } from '../../sdk/core/index.ts';
import type { SandboxService } from '../../sdk/agent/index.ts';

const PROBE = 'export default { description: "doctor probe", parameters: { type: "object" }, run: (args) => args.a + args.b };';

export async function checkSandbox(service: SandboxService, report: CheckReport): Promise<void> {
  const stats = service.stats();
  if (stats.circuit === 'open') {
    report.add({ id: 'sandbox.circuit_open', severity: 'critical', title: 'Sandbox circuit breaker open', description: `Sandbox workers crashed ${stats.crashes} times; untrusted tools fail until the breaker closes.`, recommendation: 'Read the "sandbox worker crashed" log lines (stderr of the worker) and the sandbox alert.' });
    return;
  }
  try {
    const result = await service.run({ source: PROBE, filename: 'doctor-probe.mjs', args: { a: 20, b: 22 } });
    const ok = result.value === 42;
    report.add({
      id: 'sandbox.worker',
      severity: ok ? (stats.crashes > 0 ? 'warning' : 'ok') : 'critical',
      title: 'Sandbox worker',
      description: ok
        ? `A probe tool ran in an isolate in worker pid ${result.workerPid} in ${result.durationMs.toFixed(1)} ms${stats.crashes > 0 ? `; ${stats.crashes} worker crash(es) since start` : ''}.`
        : `The probe tool returned ${JSON.stringify(result.value)} instead of 42.`,
      ...(ok && stats.crashes === 0 ? {} : { recommendation: 'Check the "sandbox worker crashed" log lines; a worker started without --no-node-snapshot exits at once.' }),
    });
  } catch (error) {
    report.add({ id: 'sandbox.worker', severity: 'critical', title: 'Sandbox worker', description: `The probe tool failed: ${error instanceof Error ? error.message : String(error)}`, recommendation: 'Untrusted tools cannot run: check that isolated-vm installed for this Node version (`npm ls isolated-vm`).' });
  }
}
