/** Problems that would stop the gateway's start, as findings (doctor: critical; audit: warning). */
import type { Check } from '../core/index.ts';

/**
 * What would stop `moltbot gateway` on this config (kernel.problems(): unset `${VAR}`s and
 * failing plugin checks), one critical finding each, naming the path, the variable and the fix.
 */
export function problemChecks(problems: readonly Error[], severity: Check['severity'] = 'critical'): Check[] {
  return problems.map((problem, index) => {
    const error = problem as Error & { code?: string; path?: string; file?: string; fix?: string; data?: { variable?: string } };
    const variable = error.code === 'MOLT_ERR_CONFIG_ENV_MISSING' ? error.data?.variable : undefined;
    const where = [error.path && `at ${error.path}`, error.file && `in ${error.file}`].filter(Boolean).join(' ');
    return {
      id: variable !== undefined ? `config.env_missing.${variable}` : `config.invalid${index === 0 ? '' : `.${index + 1}`}`,
      severity,
      title: variable !== undefined ? `Environment variable ${variable} is not set` : 'The gateway would refuse this config',
      description: `${error.code ? `${error.code}: ` : ''}${error.message}${where && !error.message.includes(where) ? ` (${where})` : ''}; \`moltbot gateway\` exits 78 until this is fixed.`,
      ...(error.fix ? { recommendation: error.fix } : {}),
    };
  });
}
