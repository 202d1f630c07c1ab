/**
 * One unset `${VAR}` must not lock the operator out: after `onboard` wrote
 * `apiKey: "${ANTHROPIC_API_KEY}"`, the commands that only inspect run and report the variable
 * (doctor and audit as a finding naming path and variable, config validate as an error naming
 * it), `onboard --force` rewrites the file, and the gateway still refuses to start.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

interface Finding { id: string; severity: string; description: string; recommendation?: string }

describe('an unset ${VAR} in the config', () => {
  it('inspect commands report it; onboard --force rewrites; start still refuses', async () => {
    const { dir } = useTempDir('moltbot-missing-env-');
    const run = (...args: string[]) => runCliCaptured(args, { cwd: dir });
    const onboard = await run('onboard', '--non-interactive');
    expect(onboard.code, onboard.stderr).toBe(0);
    const configFile = join(dir, '.state', 'clawdbot.json');
    expect(readFileSync(configFile, 'utf8')).toContain('${ANTHROPIC_API_KEY}');

    const doctor = await run('doctor', '--json');
    expect(doctor.code, doctor.stderr).toBe(1); // a critical finding, not a config refusal (78)
    const doctorFinding = (JSON.parse(doctor.stdout) as { checks: Finding[] }).checks.find((c) => c.id === 'config.env_missing.ANTHROPIC_API_KEY');
    expect(doctorFinding).toMatchObject({ severity: 'critical' });
    expect(doctorFinding?.description).toContain('providers.anthropic.apiKey');
    expect(doctorFinding?.recommendation).toContain('Export ANTHROPIC_API_KEY');

    const audit = await run('security', 'audit', '--json');
    expect(audit.code, audit.stderr).not.toBe(78);
    const auditFinding = (JSON.parse(audit.stdout) as { findings: Finding[] }).findings.find((c) => c.id === 'config.env_missing.ANTHROPIC_API_KEY');
    expect(auditFinding?.description).toContain('providers.anthropic.apiKey');

    // A local reader runs, and ends with a note naming the variable.
    const sessions = await run('sessions', 'list');
    expect(sessions.code, sessions.stderr).toBe(0);
    expect(sessions.stderr).toContain('note: Environment variable ANTHROPIC_API_KEY is not set (referenced as ${ANTHROPIC_API_KEY} at providers.anthropic.apiKey');

    const daemon = await run('daemon', 'status');
    expect(daemon.code, daemon.stderr).not.toBe(78);
    expect(daemon.stdout).toContain('moltbot-gateway');

    const validate = await run('config', 'validate');
    expect(validate.code).toBe(78);
    expect(validate.stderr).toContain('MOLT_ERR_CONFIG_ENV_MISSING: Environment variable ANTHROPIC_API_KEY is not set');
    expect(validate.stderr).toContain('providers.anthropic.apiKey');

    // The variable set: everything passes again.
    const fine = await runCliCaptured(['config', 'validate'], { cwd: dir, env: { ANTHROPIC_API_KEY: 'sk-ant-test' } });
    expect(fine.code, fine.stderr).toBe(0);

    const force = await run('onboard', '--non-interactive', '--force', '--model', 'openai/gpt-4o');
    expect(force.code, force.stderr).toBe(0);
    expect(readFileSync(configFile, 'utf8')).toContain('${OPENAI_API_KEY}');
    expect(readFileSync(configFile, 'utf8')).not.toContain('ANTHROPIC_API_KEY');

    // Commands that use the config for real still refuse it (here: `config print`).
    const print = await run('config', 'print');
    expect(print.code).toBe(78);
    expect(print.stderr).toContain('OPENAI_API_KEY');
  });
});
