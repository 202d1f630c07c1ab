/** A quiet in-process kernel with a gateway on a free loopback port, as the benches use it. */
import type { Kernel } from '../core/kernel.ts';
import { gatewayServiceRef } from '../sdk/gateway/index.ts';

/** The gateway password of every bench's gateway and client. */
export const BENCH_PASSWORD = 'bench-password-0123456789abcdef';

/** Rate limiting stays in the request path, with limits a bench cannot reach. */
export const UNREACHABLE_RATE_LIMITS = { enabled: true, requestsPerMinute: 1_000_000_000, burstSize: 1_000_000 };

export async function startBenchGateway(config: Record<string, unknown>, stateDir: string): Promise<{ kernel: Kernel; url: string }> {
  const { createKernel } = await import('../app/index.ts');
  const kernel = createKernel({
    config,
    env: { HOME: stateDir, MOLTBOT_STATE_DIR: stateDir },
    homeDir: stateDir,
    cwd: stateDir,
    logLevel: 'warn',
    logDestination: { write: () => true },
  });
  await kernel.load();
  const gateway = kernel.use(gatewayServiceRef);
  gateway.listenOn({ port: 0 });
  await kernel.start();
  return { kernel, url: gateway.address()!.url };
}
