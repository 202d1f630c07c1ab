/**
 * Rates and shares need evidence: no CPU, error-rate or event-loop verdict during the start-up
 * warm-up, an error rate only over a minimum number of requests, and host CPU only over the
 * span since the previous check (never the last sub-second sample). Injected snapshots, no timers.
 */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../core/hook-types.ts';
import { createLogger } from '../../../core/log.ts';
import { createHooks } from '../../../core/hooks.ts';
import { AlertState } from '../../../plugins/alerts/engine.ts';
import { buildRules, DEFAULT_GATES, DEFAULT_THRESHOLDS, type AlertGates } from '../../../plugins/alerts/rules.ts';
import { createAlertsService } from '../../../plugins/alerts/service.ts';
import type { MetricsSnapshot } from '../../../sdk/ops/index.ts';

interface Reading { uptime: number; requests: number; errors: number; cpuBusy: number; cpuTotal: number; cpuUsage?: number; loopMs?: number }

function snapshot(r: Reading): MetricsSnapshot {
  return {
    at: 0,
    gateway: { uptime: r.uptime, activeConnections: 0, requestsPerSecond: r.requests / 60, errorRate: r.requests > 0 ? r.errors / r.requests : 0, requestsTotal: r.requests, errorsTotal: r.errors, windowRequests: r.requests },
    agents: { activeSessions: 0, averageResponseTime: 0, p95ResponseTime: 0, tokenUsage: { input: 0, output: 0, total: 0 } },
    system: {
      cpuUsage: r.cpuUsage ?? 0, processCpu: 0, memoryUsage: 0.2, diskUsage: 0.2, cpuTicks: { busy: r.cpuBusy, total: r.cpuTotal },
      disk: { usedBytes: 1, freeBytes: 4, totalBytes: 5 }, memory: { rssBytes: 1, heapUsedBytes: 1, freeBytes: 4, totalBytes: 5 },
      networkIO: null, networkTotals: null, eventLoopDelay: r.loopMs ?? 0,
    },
    plugins: [],
  };
}

function checker(gates: AlertGates = DEFAULT_GATES) {
  let next: MetricsSnapshot | undefined;
  const service = createAlertsService({
    hooks: createHooks(),
    log: createLogger({ level: 'silent' }),
    state: new AlertState(3_600_000),
    rules: buildRules(DEFAULT_THRESHOLDS, [], gates),
    metrics: () => ({ snapshot: async () => next!, prometheus: async () => '', last: () => next }),
  });
  return async (r: Reading): Promise<string[]> => {
    next = snapshot(r);
    return (await service.check()).map((a: Alert) => `${a.id}:${a.state === 'resolved' ? 'resolved' : a.severity}`);
  };
}

describe('alert gates', () => {
  it('three CLI typos among 11 requests are not a critical error rate; 30 errors among 100 are', async () => {
    const check = checker();
    expect(await check({ uptime: 600, requests: 11, errors: 3, cpuBusy: 0, cpuTotal: 1 })).toEqual([]);
    expect(await check({ uptime: 660, requests: 100, errors: 30, cpuBusy: 0, cpuTotal: 2 })).toEqual(['errorRate:critical']);
    // Traffic fades below the minimum: no verdict is kept firing on too few requests.
    expect(await check({ uptime: 720, requests: 5, errors: 5, cpuBusy: 0, cpuTotal: 3 })).toEqual(['errorRate:resolved']);
  });

  it('the start-up burst does not fire CPU critical: no verdict during the warm-up, then CPU over the span between checks', async () => {
    const check = checker();
    // Start-up on 2 cores: the last short sample reads 100 %, and so does the span since boot.
    expect(await check({ uptime: 5, requests: 0, errors: 0, cpuBusy: 2_000, cpuTotal: 2_000, cpuUsage: 1, loopMs: 400 })).toEqual([]);
    expect(await check({ uptime: 65, requests: 0, errors: 0, cpuBusy: 10_000, cpuTotal: 120_000, cpuUsage: 1, loopMs: 0 })).toEqual([]);
    // After the warm-up, a last sample of 100 % on a quiet minute is not a verdict on the minute.
    expect(await check({ uptime: 125, requests: 0, errors: 0, cpuBusy: 12_000, cpuTotal: 240_000, cpuUsage: 1 })).toEqual([]);
    // A minute really at 97 %: critical.
    expect(await check({ uptime: 185, requests: 0, errors: 0, cpuBusy: 12_000 + 116_400, cpuTotal: 360_000 })).toEqual(['cpu:critical']);
  });

  it('the gates are configurable: warmup 0 and minRequests 1 judge at once', async () => {
    const check = checker({ warmupMs: 0, minRequests: 1 });
    expect(await check({ uptime: 0, requests: 11, errors: 3, cpuBusy: 0, cpuTotal: 1, loopMs: 300 })).toEqual(['errorRate:critical', 'eventLoopDelay:warning']);
  });
});
