/**
 * Doctor and audit findings of the Matrix channel.
 *
 * - Doctor `channels.matrix.e2ee`: rooms where encrypted messages arrived (or encryption was
 *   turned on), which this channel cannot read: a warning naming them, so "the bot ignores
 *   me" has an answer. (The connection state and last error are the channels service's
 *   `channels.matrix.state` check.)
 * - Audit `channels.matrix.homeserver_http`: a homeserver URL with plain http to a host that is
 *   not this machine sends the access token and every message in clear text (critical).
 * - Audit `channels.matrix.autojoin_pairing`: under dmPolicy "pairing" the bot joins direct
 *   invites from anyone (so they can get a code): info, so the operator knows.
 */
import type { CheckReport } from '../../sdk/core/index.ts';
import type { MatrixAdapter } from './adapter.ts';
import type { MatrixOptions } from './options.ts';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/i;

export function diagnoseMatrix(adapter: MatrixAdapter, report: CheckReport): void {
  const rooms = adapter.encryptedRooms();
  if (rooms.length === 0) {
    report.add({ id: 'channels.matrix.e2ee', severity: 'ok', title: 'No end-to-end encrypted Matrix rooms seen', description: 'Every room the bot reads is unencrypted (this channel does not support end-to-end encryption).' });
    return;
  }
  const shown = rooms.slice(0, 10).join(', ') + (rooms.length > 10 ? `, and ${rooms.length - 10} more` : '');
  report.add({
    id: 'channels.matrix.e2ee',
    severity: 'warning',
    title: 'Matrix rooms with end-to-end encryption are ignored',
    description: `Encrypted messages arrived in ${rooms.length} room(s) (${shown}); the matrix channel cannot decrypt them, so they never reach the agent.`,
    recommendation: 'Talk to the bot in rooms without encryption (encryption cannot be turned off in a room: create a new unencrypted room or DM with encryption disabled).',
  });
}

export function auditMatrix(options: MatrixOptions, section: Readonly<Record<string, unknown>>, report: CheckReport): void {
  const url = new URL(options.homeserverUrl);
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    report.add({
      id: 'channels.matrix.homeserver_http',
      severity: 'critical',
      title: 'Matrix traffic and access token are not encrypted',
      description: `channels.matrix.homeserverUrl is ${url.origin} (plain http): the access token and every message cross the network in clear text.`,
      recommendation: 'Use the homeserver\'s https:// URL.',
    });
  }
  if (options.autoJoin === 'allowed' && (section['dmPolicy'] ?? 'pairing') === 'pairing') {
    report.add({
      id: 'channels.matrix.autojoin_pairing',
      severity: 'info',
      title: 'The Matrix bot joins direct invites from anyone under pairing',
      description: 'With dmPolicy "pairing" the bot accepts direct-chat invites from unknown users so they can be given a pairing code; nothing they write reaches the agent before the owner approves the code.',
      recommendation: 'Set channels.matrix.dmPolicy to "allowlist" (or autoJoin to "off") if unknown users should not be able to pull the bot into rooms at all.',
    });
  }
}
