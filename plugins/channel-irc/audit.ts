/**
 * `moltbot security audit` findings of the IRC channel: traffic (and the server and NickServ
 * passwords) in clear text, TLS without verification, and senders trusted by nick alone.
 */
import type { CheckReport } from '../../core/hook-types.ts';
import type { IrcOptions } from './options.ts';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

/** `section`: `channels.irc` as configured (the common keys: dmPolicy, allowFrom, owners). */
export function auditIrc(options: IrcOptions, section: Readonly<Record<string, unknown>>, report: CheckReport): void {
  if (!options.tls && !LOOPBACK.test(options.host)) {
    const secrets = [options.password ? 'the server password' : '', options.nickservPassword ? 'the NickServ password' : ''].filter(Boolean);
    report.add({
      id: 'channels.irc.tls_off',
      severity: secrets.length > 0 ? 'critical' : 'warning',
      title: 'IRC traffic is not encrypted',
      description: `channels.irc connects to ${options.host} without TLS: every message${secrets.length > 0 ? `, and ${secrets.join(' and ')},` : ''} crosses the network in clear text.`,
      recommendation: 'Set channels.irc.tls to true and the TLS port (usually 6697).',
    });
  }
  if (options.tls && options.tlsRejectUnauthorized === false) {
    report.add({
      id: 'channels.irc.tls_unverified',
      severity: 'warning',
      title: 'IRC TLS certificate is not verified',
      description: `channels.irc.tlsRejectUnauthorized is false: anyone on the path to ${options.host} can pose as the server and read the bot's traffic.`,
      recommendation: 'Remove channels.irc.tlsRejectUnauthorized (a server with a certificate from a public CA verifies).',
    });
  }
  const trusted = [...asList(section['owners']), ...asList(section['allowFrom']).filter((id) => id !== '*')];
  if (trusted.length > 0 && section['dmPolicy'] !== 'disabled') {
    report.add({
      id: 'channels.irc.nick_identity',
      severity: 'info',
      title: 'IRC senders are identified by nick',
      description: `channels.irc trusts ${trusted.length} nick(s) (owners/allowFrom). A nick is not an account: while its owner is offline, or on a network without services, anyone can take it and talk to the agent as them.`,
      recommendation: 'List only nicks registered with NickServ (with enforcement), keep the owner session on a channel with real accounts, or use dmPolicy "pairing" on networks without services.',
    });
  }
}

function asList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}
