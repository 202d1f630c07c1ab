/**
 * `tailscale`: `gateway.tailscale.mode` "serve" (tailnet only) or "funnel" (public) runs the
 * tailscale CLI once the gateway listens, and with `resetOnExit` (default) undoes it on close.
 * Funnel puts the gateway on the internet, so it is refused unless gateway.auth.mode is
 * "password" — the same rule as upstream.
 */
import { MoltbotError } from '../../sdk/core/index.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { gatewayServiceRef } from '../../sdk/gateway/index.ts';
import { exposeArgs, RESET_ARGS, spawnTailscale, type Runner, type TailscaleMode } from './tailscale.ts';

export { exposeArgs, RESET_ARGS } from './tailscale.ts';

export interface TailscaleInject {
  /** The tailscale binary (default `tailscale` on PATH). */
  bin?: string;
  run?: Runner;
}

export function createTailscalePlugin(inject: TailscaleInject = {}) {
  return definePlugin({
    name: 'tailscale',
    version: '1.0.0',
    kernel: '^1.0.0',
    description: 'Expose the gateway with `tailscale serve` (tailnet) or `tailscale funnel` (public, password auth only)',
    sections: ['gateway.tailscale'],
    dependencies: ['gateway'],
    // Funnel without password auth is a config error: `config validate`, doctor and start all say so.
    check({ config }) {
      const gateway = (config.gateway ?? {}) as { auth?: { mode?: string }; tailscale?: { mode?: TailscaleMode } };
      const authMode = gateway.auth?.mode ?? 'password';
      if (gateway.tailscale?.mode === 'funnel' && authMode !== 'password') {
        throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
          message: `gateway.tailscale.mode is "funnel" (public internet) but gateway.auth.mode is "${authMode}"`,
          path: 'gateway.tailscale.mode',
          plugin: 'tailscale',
          fix: 'Set gateway.auth.mode to "password" with a strong ${CLAWDBOT_GATEWAY_PASSWORD}, or use mode "serve" (tailnet only).',
        });
      }
    },
    setup(ctx) {
      const gateway = (ctx.config.gateway ?? {}) as { auth?: { mode?: string }; tailscale?: { mode?: TailscaleMode; resetOnExit?: boolean } };
      const mode = gateway.tailscale?.mode ?? 'off';
      if (mode === 'off') return;
      const bin = inject.bin ?? 'tailscale';
      const run = inject.run ?? spawnTailscale;
      const must = async (args: string[]) => {
        const result = await run(bin, args);
        if (result.code !== 0) {
          throw new MoltbotError('MOLT_ERR_PLUGIN_SETUP_FAILED', {
            message: `\`${bin} ${args.join(' ')}\` exited ${result.code}: ${result.stderr.trim().split('\n')[0] ?? ''}`,
            plugin: 'tailscale',
            fix: 'Check that tailscale is installed, logged in (`tailscale status`) and that this user may change serve settings (`sudo tailscale set --operator=$USER`).',
          });
        }
      };
      ctx.hooks.start.tapPromise('tailscale', async () => {
        const where = ctx.use(gatewayServiceRef).address();
        if (where === undefined) return;
        await must(exposeArgs(mode, where.port));
        ctx.log.info({ mode, port: where.port }, `gateway exposed with tailscale ${mode}`);
        if (gateway.tailscale?.resetOnExit ?? true) {
          ctx.onClose(async () => {
            await must(RESET_ARGS);
            ctx.log.info('tailscale serve settings reset');
          });
        }
      });
    },
  });
}

export default createTailscalePlugin();
