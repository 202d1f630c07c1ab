/**
 * `diagnostics`: `moltbot doctor` and RPC `diagnostics.report`: system, process, network and
 * storage facts plus every check plugins add through the `diagnose` hook (this plugin adds
 * Node version, free memory and disk, gateway port, config, state dir and permissions).
 */
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import schema from '../../schemas/plugins/diagnostics.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/diagnostics.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { defineMethod } from '../../sdk/gateway/index.ts';
import * as validators from '../../schemas/generated/diagnostics.method-params.validate.ts';
import { NO_PARAMS } from './method-params.ts';
import { configCheck, diskCheck, memoryCheck, nodeCheck, portCheck, stateDirChecks } from './checks.ts';
import { registerDoctorCommand, runDiagnose } from './cli.ts';
import { systemInfo } from './system-info.ts';

export { runDiagnose } from './cli.ts';
export { systemInfo, type SystemInfo } from './system-info.ts';
export { configCheck, problemChecks, diskCheck, memoryCheck, nodeCheck, portCheck, stateDirChecks } from './checks.ts';

const LOOPBACK = '127.0.0.1';

export default definePlugin({
  name: 'diagnostics',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: '`moltbot doctor` and RPC diagnostics.report: system facts and every plugin\'s checks',
  schema,
  validate: validateOptions,
  setup(ctx) {
    const stateDir = ctx.paths.stateDir;
    const configFiles = [...new Set([...ctx.paths.configFiles, join(stateDir, 'clawdbot.json')])];
    ctx.hooks.diagnose.tapPromise(ctx.name, async (report) => {
      const info = systemInfo(stateDir);
      report.add(nodeCheck(info.versions.node));
      report.add(memoryCheck(info.system.memory));
      report.add(diskCheck(info.storage));
      report.add(configCheck(ctx.paths.configFiles));
      for (const check of stateDirChecks(stateDir, configFiles)) report.add(check);
      const gateway = (ctx.config.gateway ?? {}) as { port?: number; bind?: string; customBindHost?: string };
      // Only loopback and custom hosts can be probed without resolving interfaces; others are reported by the gateway itself.
      const host = gateway.bind === 'custom' ? gateway.customBindHost : gateway.bind === undefined || gateway.bind === 'loopback' ? LOOPBACK : undefined;
      if (host !== undefined) report.add(await portCheck(host, gateway.port ?? 18789, stateDir));
    });
    defineMethod(ctx, {
      name: 'diagnostics.report',
      scope: 'admin',
      description: 'System facts, heap statistics and every diagnose check',
      params: NO_PARAMS,
      validate: validators.NO_PARAMS,
      handler: async () => {
        const report = await runDiagnose(ctx.hooks);
        return { ...systemInfo(stateDir), heap: getHeapStatistics(), checks: report.findings, summary: report.summary };
      },
    });
    ctx.hooks.cliCommands.tap(ctx.name, (program, cli) => registerDoctorCommand(program, cli, ctx.hooks, stateDir, ctx.config, ctx.paths.cwd, ctx.secrets));
  },
});
