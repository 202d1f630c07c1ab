/**
 * Security audit findings of the browser tool: who may drive it (the sandbox policy must keep
 * it from non-main sessions, which read untrusted input) and which private hosts the egress
 * policy was opened to.
 */
import { isIP } from 'node:net';
import type { Check } from '../../sdk/core/index.ts';
import type { ToolPolicy } from '../../sdk/agent/index.ts';
import { isPrivate, parsePattern } from './egress-policy.ts';

/** A session key of a channel DM: the kind of session the default policy sandboxes. */
const PROBE_SESSION = 'agent:main:webchat:dm:audit-probe';

export function browserAuditChecks(policy: ToolPolicy | undefined, allowedHosts: readonly string[]): Check[] {
  const checks: Check[] = [];
  if (policy === undefined) {
    checks.push({
      id: 'tools.browser.no_tool_policy', severity: 'critical', title: 'Browser tool without a tool policy',
      description: 'tools-browser is loaded without the tool-policy plugin: every session, including channel DMs and groups that carry untrusted text, can drive the browser.',
      recommendation: 'Add "tool-policy" to plugins (its default sandbox denylist keeps browser from non-main sessions).',
    });
  } else if (policy.check('browser', PROBE_SESSION) === undefined) {
    checks.push({
      id: 'tools.browser.sandboxed_sessions_allowed', severity: 'warning', title: 'Non-main sessions may drive the browser',
      description: `agents.defaults.sandbox (mode ${policy.mode}) lets sessions other than the owner's main one call browser: a prompt-injected message can make the agent browse and exfiltrate through URLs.`,
      recommendation: 'Keep browser in agents.defaults.sandbox.denylist (or leave the denylist empty for the default), or set mode "non-main".',
    });
  }
  const local = allowedHosts.filter((entry) => {
    const { host, wildcard } = parsePattern(entry);
    return !wildcard && (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && isPrivate(host)));
  });
  if (local.length > 0) {
    checks.push({
      id: 'tools.browser.private_hosts_allowed', severity: 'warning', title: 'Browser allowed to reach local or private addresses',
      description: `tools.browser.allowedHosts opens ${local.join(', ')}: pages the agent visits can send requests there (services on this machine or the LAN).`,
      recommendation: 'Remove entries that are not needed; name a port (host:port) for the ones that are.',
    });
  }
  return checks;
}
