import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../core/hook-types.ts';
import { registerGatewayCommand } from '../../../plugins/gateway/cli-command.ts';
import type { GatewayService } from '../../../sdk/gateway/index.ts';

function harness(installer?: () => Promise<{ file: string }>) {
  const out: string[] = [];
  let started = false;
  let exitCode = 0;
  const cli = {
    print: (text: string) => out.push(text), warn: (text: string) => out.push(`warn: ${text}`),
    start: async () => { started = true; }, problems: async () => [], closed: async () => undefined, setExitCode: (code: number) => { exitCode = code; },
  } satisfies CliContext;
  const gateway = { listenOn: () => undefined, address: () => undefined } as unknown as GatewayService;
  const program = new Command().exitOverride();
  registerGatewayCommand(program, cli, gateway, () => installer);
  return { program, out, started: () => started, exitCode: () => exitCode };
}

describe('moltbot gateway --install-daemon', () => {
  it('installs the user service through the daemon plugin instead of running here', async () => {
    const h = harness(async () => ({ file: '/home/me/.config/systemd/user/moltbot-gateway.service' }));
    await h.program.parseAsync(['node', 'moltbot', 'gateway', '--install-daemon']);
    expect(h.out).toEqual(['service installed: /home/me/.config/systemd/user/moltbot-gateway.service']);
    expect(h.started()).toBe(false);
  });

  it('says which plugin is missing when the daemon plugin is not loaded', async () => {
    const h = harness(undefined);
    await h.program.parseAsync(['node', 'moltbot', 'gateway', '--install-daemon']);
    expect(h.out[0]).toMatch(/needs the "daemon" plugin/);
    expect(h.exitCode()).toBe(2);
    expect(h.started()).toBe(false);
  });
});
