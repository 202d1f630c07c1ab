/** `channels.slack`'s own keys (schemas/plugins/channel-slack.json) after defaults. */
export interface SlackOptions {
  /** Bot User OAuth Token, `xoxb-…` (secret). */
  botToken: string;
  mode: 'socket' | 'events';
  /** App-Level Token, `xapp-…`, with connections:write (secret; socket mode). */
  appToken?: string;
  /** Signing Secret checking `X-Slack-Signature` (secret; events mode). */
  signingSecret?: string;
  /** Web API base URL, ending in `/`. */
  apiUrl: string;
  eventsPath: string;
  replyInThread: boolean;
  unfurlLinks: boolean;
  requestTimeoutMs: number;
  maxBodyBytes: number;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  pingTimeoutMs: number;
}

/** The options with `apiUrl` ending in exactly one `/` (the Web API client appends method names). */
export function withDefaults(options: SlackOptions): SlackOptions {
  return { ...options, apiUrl: `${options.apiUrl.replace(/\/+$/, '')}/` };
}
