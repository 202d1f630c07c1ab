/**
 * Doctor (`diagnose`): channels that are degraded or stopped in the running process. Audit
 * (`audit`): open groups without mention gating (open DMs are the audit plugin's own finding).
 */
import type { CheckReport } from '../../sdk/core/index.ts';
import type { ChannelRuntime } from './runtime.ts';
import { resolveChannelSettings } from '../../sdk/channels/index.ts';

export function diagnoseChannels(runtimes: readonly ChannelRuntime[], running: boolean, report: CheckReport): void {
  if (!running) return;
  for (const runtime of runtimes) {
    if (!runtime.settings.enabled) continue;
    const status = runtime.status();
    const id = `channels.${runtime.id}.state`;
    const last = status.lastError ? ` Last error (${new Date(status.lastError.at).toISOString()}): ${status.lastError.message}` : '';
    const queued = status.queue.pending > 0 ? ` ${status.queue.pending} chunk(s) wait in its queue.` : '';
    if (status.state === 'connected') {
      report.add({ id, severity: 'ok', title: `Channel ${runtime.id}`, description: `Connected since ${new Date(status.since).toISOString()}.${queued}` });
    } else {
      report.add({
        id,
        severity: status.state === 'stopped' ? 'critical' : 'warning',
        title: `Channel ${runtime.id} is ${status.state}`,
        description: `Channel ${runtime.id} has been ${status.state} since ${new Date(status.since).toISOString()}.${queued}${last}`,
        recommendation: `Check the channel's credentials and network (channels.${runtime.id}), and the log lines with "channel":"${runtime.id}"; it reconnects on its own with backoff.`,
      });
    }
  }
}

export function auditChannels(config: Readonly<Record<string, any>>, report: CheckReport): void {
  for (const id of Object.keys(config['channels'] ?? {})) {
    const settings = resolveChannelSettings(config, id);
    if (!settings.enabled) continue;
    if (settings.groupPolicy === 'open' && !settings.requireMention) {
      report.add({
        id: `channels.${id}.group.open_without_mention`,
        severity: 'warning',
        title: `The bot answers every message in any ${id} group`,
        description: `channels.${id}.groupPolicy is "open" and requireMention is false: anyone who adds the bot to a group reaches the agent with every message.`,
        recommendation: `Set channels.${id}.requireMention to true, or groupPolicy to "allowlist" with groupAllowFrom.`,
      });
    }
  }
}
