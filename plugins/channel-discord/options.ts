/** `channels.discord` platform keys, after the plugin schema's defaults. */
export interface DiscordOptions {
  botToken: string;
  /** REST root without the version (`https://discord.com/api`); `/v10` is appended. */
  apiBaseUrl: string;
  /** Answer guild messages (needs the privileged Message Content intent); DMs always work. */
  guilds: boolean;
  requestTimeoutMs: number;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
}

/** Gateway intents: GUILDS (1<<0), GUILD_MESSAGES (1<<9), DIRECT_MESSAGES (1<<12), MESSAGE_CONTENT (1<<15). */
export const INTENT = { guilds: 1 << 0, guildMessages: 1 << 9, directMessages: 1 << 12, messageContent: 1 << 15 } as const;

export function intentsFor(options: Pick<DiscordOptions, 'guilds'>): number {
  return options.guilds ? INTENT.guilds | INTENT.guildMessages | INTENT.directMessages | INTENT.messageContent : INTENT.directMessages;
}
