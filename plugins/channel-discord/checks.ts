/**
 * Doctor (`diagnose`) check `channels.discord.token`: asks Discord who the token belongs to
 * (GET /users/@me). A reset token shows up here as critical even before the gateway says 4004.
 * Audit check `channels.discord.guilds_open`: guild messages answered in every channel of every
 * guild the bot is invited to (groupPolicy "open" with "*"-like reach) — whoever can invite
 * the bot, or post in any channel it sees, reaches the agent.
 */
import type { CheckReport } from '../../sdk/core/index.ts';
import type { DiscordAdapter } from './adapter.ts';
import type { DiscordOptions } from './options.ts';

const TIMEOUT_MS = 5000;

export async function diagnoseDiscord(adapter: DiscordAdapter, report: CheckReport): Promise<void> {
  try {
    const me = await adapter.whoAmI(TIMEOUT_MS);
    if (me.bot !== true) {
      report.add({
        id: 'channels.discord.token', severity: 'warning', title: 'The Discord token is not a bot token',
        description: `The token belongs to the user account ${me.username ?? me.id}, not to a bot application; running a user account as a bot breaks Discord's terms.`,
        recommendation: 'Create a bot in the Discord developer portal (Applications → Bot → Reset Token) and put its token in channels.discord.botToken.',
      });
      return;
    }
    report.add({ id: 'channels.discord.token', severity: 'ok', title: 'Discord bot token works', description: `The token belongs to the bot ${me.username ?? ''} (${me.id}).` });
  } catch (error) {
    const message = (error as Error).message;
    const refused = (error as { status?: number }).status === 401;
    report.add({
      id: 'channels.discord.token', severity: refused ? 'critical' : 'warning',
      title: refused ? 'Discord refuses the bot token' : 'Discord could not be asked about the bot token',
      description: message,
      recommendation: refused
        ? 'Reset the token in the Discord developer portal (Bot → Reset Token), put it in the environment variable channels.discord.botToken names, and restart the gateway.'
        : 'Check the network to Discord (channels.discord.apiBaseUrl).',
    });
  }
}

export function auditDiscord(options: DiscordOptions, section: Readonly<Record<string, unknown>>, report: CheckReport): void {
  if (!options.guilds) return;
  const groupAllowFrom = Array.isArray(section['groupAllowFrom']) ? section['groupAllowFrom'] : [];
  const open = section['groupPolicy'] === 'open' || groupAllowFrom.includes('*');
  if (open && section['requireMention'] === false) {
    report.add({
      id: 'channels.discord.guilds_unrestricted', severity: 'warning',
      title: 'The Discord bot answers every message in every guild channel it can read',
      description: 'channels.discord answers any guild channel (groupPolicy "open" or "*" in groupAllowFrom) without a mention: anyone in any server the bot is invited to talks to the agent, and every message there goes to the model.',
      recommendation: 'List the channel ids in channels.discord.groupAllowFrom with groupPolicy "allowlist", or keep requireMention true.',
    });
  }
}
