/**
 * `moltbot security audit` findings of the IRC channel: traffic (and the server and NickServ
 * passwords) in clear text, TLS without verification, and senders (owners above all) trusted
 * by nick alone.
 */
import type { CheckReport } from '../../sdk/core/index.ts';
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
  checkNickTrust(options, section, report);
}

/**
 * Senders are identified by nick alone (no account check), and pairing approvals are keyed by
 * nick too: whoever holds a trusted nick is trusted. Owners' DMs reach the main session,
 * which is not sandboxed. Always a warning; critical when an owner gets the main session over
 * a connection that does not even authenticate the server (no TLS, or TLS unverified, to a
 * remote host): then anyone on the path can forge the owner's messages, whatever the network's
 * services enforce. What the network enforces on nicks is not visible from here.
 */
function checkNickTrust(options: IrcOptions, section: Readonly<Record<string, unknown>>, report: CheckReport): void {
  if (section['dmPolicy'] === 'disabled') return;
  const owners = asList(section['owners']);
  const allowed = asList(section['allowFrom']).filter((id) => id !== '*');
  if (owners.length === 0 && allowed.length === 0) return;
  const ownerMain = owners.length > 0 && section['ownerSession'] !== 'dm';
  const forgeable = !LOOPBACK.test(options.host) && (!options.tls || options.tlsRejectUnauthorized === false);
  const who = [
    owners.length > 0 ? `${owners.length} owner nick(s)${ownerMain ? ', whose DMs run in the unsandboxed main session' : ''}` : '',
    allowed.length > 0 ? `${allowed.length} allowFrom nick(s)` : '',
  ].filter(Boolean).join(' and ');
  report.add({
    id: 'channels.irc.nick_identity',
    severity: ownerMain && forgeable ? 'critical' : 'warning',
    title: ownerMain ? 'IRC owners get the main session on a nick alone' : 'IRC senders are trusted by nick alone',
    description: `channels.irc trusts ${who}. Moltbot checks no account, only the nick (pairing approvals are nick-keyed too, so pairing does not help): ` +
      'anyone who takes a trusted nick — while its owner is offline, or on a network whose services do not enforce registration — talks to the agent as them.' +
      (ownerMain && forgeable ? ` The connection to ${options.host} does not authenticate the server (${options.tls ? 'TLS unverified' : 'no TLS'}): anyone on the path can also forge the owner's messages.` : ''),
    recommendation: [
      ownerMain ? 'Set channels.irc.ownerSession to "dm" (owner DMs then run in a sandboxed session of their own), or keep owners on a channel with real accounts.' : '',
      forgeable ? 'Connect with verified TLS (channels.irc.tls true, tlsRejectUnauthorized not false).' : '',
      'Trust only nicks registered on a network whose services enforce them (e.g. NickServ ENFORCE); on a network without services, trust no nick for anything that matters.',
    ].filter(Boolean).join(' '),
  });
}

function asList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}
