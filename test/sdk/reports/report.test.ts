/** The report kit: checks from any plugin collected in severity order, printed, and fixed. */
import { describe, expect, it } from 'vitest';
import { definePlugin } from 'moltbot/plugin-sdk/core';
import { applyFixes, collectChecks, formatReport, problemChecks, type Check } from 'moltbot/plugin-sdk/reports';
import { createTestKernel } from '../../../app/testing.ts';
import { MoltbotError } from '../../../core/errors.ts';

describe('the report kit', () => {
  it('collects a third-party plugin\'s diagnose checks in severity order, prints them and applies their fixes', async () => {
    let fixed = 0;
    const plugin = definePlugin({
      name: 'signing-keys',
      version: '1.0.0',
      setup(ctx) {
        ctx.hooks.diagnose.tapPromise(ctx.name, async (report) => {
          report.add({ id: 'signing-keys.present', severity: 'ok', title: 'Signing key', description: 'present' });
          report.add({ id: 'signing-keys.mode', severity: 'warning', title: 'Signing key readable by others', description: 'mode 644', recommendation: 'chmod 600', fix: async () => void fixed++ });
          report.add({ id: 'signing-keys.expired', severity: 'critical', title: 'Signing key expired', description: 'expired yesterday' });
        });
      },
    });
    const kernel = await createTestKernel({ config: {}, plugins: [plugin] });
    const report = await collectChecks((r) => kernel.hooks.diagnose.promise(r));
    expect(report.findings.map((f) => `${f.severity}:${f.id}:${f.fixable}`)).toEqual(['critical:signing-keys.expired:false', 'warning:signing-keys.mode:true', 'ok:signing-keys.present:false']);
    expect(report.summary).toEqual({ critical: 1, warning: 1, info: 0, ok: 1 });
    expect(formatReport(report, 'doctor')).toContain('fix: chmod 600 (--fix does this)');
    expect(await applyFixes(report)).toEqual({ fixed: ['signing-keys.mode'], failed: [] });
    expect(fixed).toBe(1);
  });

  it('turns a start-blocking config problem into a finding naming the path and the fix', () => {
    const problem = new MoltbotError('MOLT_ERR_CONFIG_INVALID', { message: 'alerts.sinks[0] names alert sink "pagerduty", which no loaded plugin provides', path: 'alerts.sinks[0]', fix: 'Add the plugin that provides alert sink "pagerduty" to `plugins`.' });
    const [check] = problemChecks([problem]) as [Check];
    expect(check).toMatchObject({ id: 'config.invalid', severity: 'critical', recommendation: 'Add the plugin that provides alert sink "pagerduty" to `plugins`.' });
    expect(check.description).toContain('MOLT_ERR_CONFIG_INVALID: alerts.sinks[0] names alert sink "pagerduty"');
  });
});
