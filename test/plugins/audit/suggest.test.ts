import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../core/hook-types.ts';
import { createTestKernel } from '../../../app/testing.ts';
import auditPlugin from '../../../plugins/audit/index.ts';
import { configChecks } from '../../../plugins/audit/config-checks.ts';
import { registerSuggestCommand, suggestConfig } from '../../../plugins/audit/suggest.ts';

describe('config suggest', () => {
  for (const production of [false, true]) {
    it(`the ${production ? 'production' : 'development'} preset is a valid config the audit does not flag`, async () => {
      const config = suggestConfig(production);
      // agents.memoryLimit is read by resources: under preset "none" it must be loaded too (test/app/sections.test.ts).
      const kernel = await createTestKernel({ config: { ...config, preset: 'none', plugins: [auditPlugin] }, plugins: ['resources'], env: { CLAWDBOT_GATEWAY_PASSWORD: 'a-long-random-password-1' } });
      expect(kernel.config.agents.maxConcurrentRuns).toBe(production ? 5 : 2);
      expect(configChecks(kernel.config)).toEqual([]);
    });
  }

  it('every sink the production preset lists is loaded and delivers (alerts.sinks: ["console", "file"] implies alert-file)', async () => {
    const config = suggestConfig(true) as { alerts: { sinks: string[] } };
    const kernel = await createTestKernel({ config: { ...config }, env: { CLAWDBOT_GATEWAY_PASSWORD: 'a-long-random-password-1' }, start: false });
    await kernel.load();
    for (const sink of config.alerts.sinks) expect(kernel.plugins().find((p) => p.name === `alert-${sink}`)?.status, sink).toBe('set-up');
    await kernel.hooks.alert.promise({ id: 'preset.test', severity: 'warning', source: 'test', message: 'the file sink works', state: 'firing', at: Date.now() });
    expect(readFileSync(join(kernel.paths.stateDir, 'plugins', 'alert-file', 'alerts.jsonl'), 'utf8')).toContain('the file sink works');
  });

  it('prints JSON from `config suggest --production`', async () => {
    const printed: string[] = [];
    const program = new Command().exitOverride();
    program.command('config');
    const cli = { print: (text: string) => printed.push(text) } as unknown as CliContext;
    registerSuggestCommand(program, cli);
    await program.parseAsync(['node', 'moltbot', 'config', 'suggest', '--production']);
    expect(JSON.parse(printed[0]!)).toEqual(suggestConfig(true));
    expect(JSON.parse(printed[0]!).gateway.rateLimiting).toEqual({ enabled: true, requestsPerMinute: 1000, burstSize: 100 });
  });
});
