/** Security-audit findings of the exec tool: allowlisted programs that can run other programs, and missing containment. */
import type { Check } from '../../sdk/core/index.ts';
import { CONTAINMENT_FIX, type Containment, type ContainmentMode } from './containment.ts';
import { execCapability } from './exec-policy.ts';

export function execAuditChecks(options: { allow: readonly string[]; containment: ContainmentMode }, containment: Containment): Check[] {
  const checks: Check[] = [];
  for (const name of options.allow) {
    const capability = execCapability(name);
    if (capability === undefined) continue;
    if (capability.kind === 'interpreter') {
      checks.push({
        id: `tools.exec.allow.${name}`, severity: 'critical', title: `exec allowlist names an interpreter: ${name}`,
        description: `"${name}" runs whatever code it is given: allowlisting it lets the agent run any program (a prompt-injected message included). Arguments cannot be policed.`,
        recommendation: `Remove "${name}" from the tools-exec allow option; allowlist the specific programs the agent needs.`,
      });
    } else if (capability.kind === 'runner') {
      checks.push({
        id: `tools.exec.allow.${name}`, severity: 'warning', title: `exec allowlist names a program runner: ${name}`,
        description: `"${name}" exists to start other programs; exec refuses every call to it, so the entry only widens the allowlist on paper.`,
        recommendation: `Remove "${name}" from the tools-exec allow option.`,
      });
    } else {
      checks.push({
        id: `tools.exec.allow.${name}`, severity: capability.critical === undefined ? 'warning' : 'critical', title: `exec allowlist names a program that can run others: ${name}`,
        description: `"${name}" can start other programs; exec refuses those arguments (${capability.note}). ${capability.critical === undefined ? 'Anything the policy misses still runs.' : `But ${capability.critical}.`}`,
        recommendation: `Keep "${name}" only if the agent needs it; prefer programs that run nothing else.`,
      });
    }
  }
  if (containment.kind === 'none') {
    checks.push({
      id: 'tools.exec.no_containment', severity: options.containment === 'required' ? 'warning' : 'critical',
      title: 'exec commands are not contained',
      description: options.containment === 'required'
        ? `No PID namespace on this host (${containment.reason}): exec refuses every command until it is fixed.`
        : `No PID namespace on this host (${containment.reason}) and containment is "process-group": a command can leave processes running (setsid, double fork, nohup).`,
      recommendation: CONTAINMENT_FIX,
    });
  }
  return checks;
}
