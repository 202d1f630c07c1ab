/**
 * The channel contract. A channel plugin (telegram, irc, webhook, whatsapp, a user's own)
 * implements a `ChannelAdapter` that only speaks its platform; the `channels` service (plugin
 * `channels`) runs it and owns everything every platform shares: DM/group policy and pairing,
 * session mapping, the agent run, chunking to the platform's length limit, the bounded outbound
 * queue with retries while disconnected, status, metrics. Consumers (cron delivery, the control
 * UI, an embedding program) talk to the `channels` service, never to an adapter.
 *
 * Config: `channels.<id>` in the root config holds one channel's settings (the common policy
 * keys below plus the platform's own keys, which its plugin validates).
 *
 * RPC (gateway): `channels.status` (read), `pairing.list` (admin), `pairing.approve`
 * `{channel, code}` (admin), `pairing.reject` `{channel, code}` (admin), `pairing.approved`
 * `{channel}` (admin), `pairing.revoke` `{channel, sender}` (admin).
 * Events: `channels.status` (payload ChannelStatus, on every state change) and
 * `pairing.requested` (payload PairingRequest), both to admin-scoped connections.
 */
import { createServiceRef, type Logger } from '../core/index.ts';
import type { SeenStore } from './seen-store.ts';
import type { InboundAttachment, MediaInput } from './media.ts';
import type { OutboundAttachment } from './outbound-media.ts';

export type ChatType = 'dm' | 'group';

/** One inbound message, normalised by the adapter. */
export interface ChannelInbound {
  /** Platform id of the sender (Telegram user id, IRC nick, phone number). */
  sender: string;
  senderName?: string;
  chatType: ChatType;
  /** Where replies go: the DM peer, or the group/room id. */
  chatId: string;
  text: string;
  /** The bot was mentioned or replied to (group mention gating). */
  mentioned?: boolean;
  /** Platform message id: a repeated id is processed once. */
  messageId?: string;
  /**
   * Files sent with the message. With `download` the `channels` service fetches each one through
   * the media kit (caps, sniffing, storage) before the agent runs; without, the agent sees the
   * metadata only.
   */
  attachments?: InboundAttachment[];
  receivedAt?: number;
}

export interface ChannelTarget {
  chatType: ChatType;
  chatId: string;
  /** Platform message id being answered, where the platform threads replies. */
  replyTo?: string;
}

export type ChannelState = 'connecting' | 'connected' | 'degraded' | 'stopped';

/** Thrown by `ChannelAdapter.send`. Retryable errors keep the chunk queued (network, 429, 5xx). */
export class ChannelSendError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { retryable: boolean; retryAfterMs?: number; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ChannelSendError';
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export interface ChannelAdapter {
  /** Channel id: the key under `channels.<id>`, in session keys and in metrics. */
  readonly id: string;
  /** Longest text one platform message takes, in characters; longer replies are chunked. */
  readonly maxMessageLength: number;
  /** Canonical form of a sender id, applied to inbound senders and `allowFrom` entries alike. */
  normalizeId?(id: string): string;
  /**
   * Connects and keeps connected (reconnecting with `host.backoff()`), reporting through
   * `host.setState`. Resolves once started, not necessarily connected.
   */
  start(host: ChannelHost): Promise<void>;
  stop(): Promise<void>;
  /** Sends one chunk (at most `maxMessageLength` characters). */
  send(target: ChannelTarget, text: string): Promise<{ messageId?: string }>;
  /**
   * Uploads one file the platform's way (a photo for `kind: 'image'`, a document otherwise),
   * with its `caption` where the platform has one. Errors as for `send` (retryable ones keep it
   * queued). Without it the service sends `mediaNote()` as text instead. Added after v1.
   */
  sendMedia?(target: ChannelTarget, attachment: OutboundAttachment): Promise<{ messageId?: string }>;
  /** Largest file `sendMedia` takes, in bytes (default `DEFAULT_MAX_MEDIA_BYTES`); larger files are refused before queueing. Added after v1. */
  readonly maxMediaBytes?: number;
  /** Shows "typing…" where the platform has it; failures are ignored. */
  typing?(target: ChannelTarget): Promise<void>;
}

export interface SendOptions {
  attachments?: readonly OutboundAttachment[];
  /** The session the message belongs to (passed to `messageSending`). */
  sessionKey?: string;
}

export type DmPolicy = 'pairing' | 'allowlist' | 'open' | 'disabled';
export type GroupPolicy = 'open' | 'allowlist' | 'disabled';

/** `channels.<id>` after defaults: the common keys, then the platform's own. */
export interface ChannelSettings {
  enabled: boolean;
  dmPolicy: DmPolicy;
  allowFrom: readonly string[];
  groupPolicy: GroupPolicy;
  /** Group ids allowed under groupPolicy "allowlist". */
  groupAllowFrom: readonly string[];
  /** In groups, answer only when the bot is mentioned. */
  requireMention: boolean;
  /** Sender ids of the owner: their DMs go to the main session when `ownerSession` is "main". */
  owners: readonly string[];
  ownerSession: 'main' | 'dm';
  readonly [key: string]: unknown;
}

export type ReceiveOutcome =
  | { status: 'accepted'; sessionKey: string }
  | { status: 'pairing'; code: string }
  | { status: 'dropped'; reason: string }
  | { status: 'duplicate' };

export interface Backoff {
  /** Next delay in ms: exponential from `base`, capped at `max`, with full jitter. */
  next(): number;
  reset(): void;
}

/** What the `channels` service hands an adapter in `start`. */
export interface ChannelHost {
  readonly settings: ChannelSettings;
  readonly log: Logger;
  /** Aborted when the channel stops. */
  readonly signal: AbortSignal;
  /** Policy → session → agent run → chunked reply. Resolves once accepted or dropped, not when replied. */
  receive(message: ChannelInbound): Promise<ReceiveOutcome>;
  /** Reports the connection state; `connected` drains the outbound queue. */
  setState(state: ChannelState, error?: unknown): void;
  backoff(options?: { baseMs?: number; maxMs?: number }): Backoff;
  /**
   * This channel's memory of what it already processed (keys are namespaced per channel):
   * persisted under the state dir, or shared through Redis in a cluster, so a restart or
   * another instance does not process a request twice. Signed-webhook replay keys use it; the
   * runtime dedupes `messageId`s with it. Added after v1.
   */
  readonly seen: SeenStore;
}

export interface ChannelStatus {
  id: string;
  state: ChannelState;
  since: number;
  lastError?: { message: string; at: number };
  queue: { pending: number; max: number; dropped: number };
  inbound: { accepted: number; dropped: number; pairing: number };
  outbound: { sent: number; failed: number; retried: number };
}

export interface PairingRequest {
  channel: string;
  code: string;
  sender: string;
  senderName?: string;
  createdAt: number;
  expiresAt: number;
}

export interface ChannelsService {
  /** Called by a channel plugin in `setup`; the service starts the adapter when the kernel starts. */
  register(adapter: ChannelAdapter): void;
  /**
   * Sends text to a chat (chunked; queued while disconnected), then `options.attachments` in
   * order (each over the channel's `maxMediaBytes` is refused before anything is queued).
   * Resolves once every chunk and file is accepted. `options` added after v1.
   */
  send(channel: string, target: ChannelTarget, text: string, options?: SendOptions): Promise<void>;
  /** Largest file channel `channel` takes (`maxMediaBytes`), or undefined for an unknown channel. Added after v1. */
  maxMediaBytes(channel: string): number | undefined;
  status(): ChannelStatus[];
  /**
   * Inbound attachments → what the agent gets, as for a channel's own messages: each file goes
   * through the media kit under the `channels` plugin's `media` options (caps, sniffed type,
   * stored in the session's media folder), then images become references, audio a transcript,
   * documents their text (`notes` for the message text, `media` for `RunRequest.media`).
   * Refused files come back in `refusals`. For senders outside a channel runtime (uploads sent
   * with chat.send). Added after v1.
   */
  prepareMedia(attachments: readonly InboundAttachment[], options: { sessionKey: string; signal?: AbortSignal }): Promise<MediaInput>;
  /**
   * Whether `target` is a DM with one of the channel's `owners` (ids normalised as the channel
   * does); false for groups and unknown channels. Lets a caller restrict where an unattended
   * sender (the `cron` tool) may deliver. Added after v1.
   */
  isOwnerChat(channel: string, target: Pick<ChannelTarget, 'chatType' | 'chatId'>): boolean;
  readonly pairing: {
    list(channel?: string): PairingRequest[];
    approve(channel: string, code: string): Promise<{ sender: string }>;
    reject(channel: string, code: string): Promise<void>;
    /** Senders approved through pairing (persisted), besides `allowFrom`. */
    approved(channel: string): string[];
    /** Withdraws a pairing approval (normalised sender id); false when the sender was not approved. Added after v1. */
    revoke(channel: string, sender: string): Promise<boolean>;
  };
}

/**
 * The `channels` service (provided by the `channels` plugin). A channel plugin declares
 * `consumes: [channelsServiceRef]` and calls `ctx.use(channelsServiceRef).register(adapter)` in
 * setup; cron, the control UI or an embedding program send through it.
 */
export const channelsServiceRef = createServiceRef<ChannelsService>({
  id: 'channels',
  description: 'Runs channel adapters: policy, pairing, sessions, chunking, outbound queue, status',
});
