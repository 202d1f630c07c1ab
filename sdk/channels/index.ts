/**
 * `moltbot/plugin-sdk/channels`: everything a channel plugin needs to do what a first-party one
 * does. The channel contract (`ChannelAdapter` and the `ChannelHost` the `channels` service hands
 * it, reached through `channelsServiceRef`), the contracts of the stores and relay a cluster
 * plugin may replace (`seenStoreRef`, `pairingStoreRef`, `channelRelayRef`), pure helpers
 * (chunking, backoff, error text, `channels.<id>` settings), the reconnect loop of a
 * long-lived connection (`createConnectionLoop`), and the signed-webhook kit: HMAC signatures, a
 * public POST route with a body cap, signature check and replay protection, outbound JSON POSTs
 * mapped onto retryable send errors, delivery health, config-section checks and audit findings;
 * the inbound media kit (download under caps, sniffed type, per-session storage, retention).
 * See docs/sdk/channels.md.
 */
export { ChannelSendError, channelsServiceRef } from './contract.ts';
export type {
  Backoff, ChannelAdapter, ChannelHost, ChannelInbound, ChannelSettings, ChannelState, ChannelStatus, ChannelTarget,
  ChannelsService, ChatType, DmPolicy, GroupPolicy, PairingRequest, ReceiveOutcome, SendOptions,
} from './contract.ts';

// Outbound media: the attachment type, type sniffing, the note for channels without files.
export { DEFAULT_MAX_MEDIA_BYTES, MAX_ATTACHMENTS_PER_REPLY, mediaNote, outboundAttachment, safeFileName, sniffMedia } from './outbound-media.ts';
export type { OutboundAttachment } from './outbound-media.ts';

// Stores and relay a cluster plugin may provide in place of the channels plugin's own.
export { STORE_RETRY_AFTER_MS, seenStoreRef, storeUnavailable } from './seen-store.ts';
export type { SeenStore } from './seen-store.ts';
export { CHANNEL_ID, CODE_ALPHABET, CODE_LENGTH, CODE_TTL_MS, MAX_PENDING, PairingError, generateCode, pairingStoreRef } from './pairing-store.ts';
export type { ApprovedSender, PairingBackend, RequestResult, StoredRequest } from './pairing-store.ts';
export { channelRelayRef } from './relay.ts';
export type { ChannelRelay, RelayedSend } from './relay.ts';

// Pure helpers.
export { createBackoff } from './backoff.ts';
export { causeText } from './cause-text.ts';
export { chunkText } from './chunk.ts';
export { channelSection, platformOptions, queueSizeOf, resolveChannelSettings } from './settings.ts';

// The signed-webhook kit.
export { hmacSha256Hex, signatureDigest, signatureHeader, verifySignature } from './signature.ts';
export { BodyTooLargeError, readRawBody } from './raw-body.ts';
export { createReplayGuard } from './replay-guard.ts';
export type { ReplayGuard, ReplayGuardOptions, ReplayVerdict } from './replay-guard.ts';
export { answerUnavailable, signedPostRoute } from './signed-route.ts';
export type { SignedRequest, SignedRouteOptions } from './signed-route.ts';
export { httpSendError, postJson, postMultipart } from './outbound.ts';
export type { PostOptions, PostResult } from './outbound.ts';
export { createDeliveryHealth } from './delivery-health.ts';
export type { DeliveryHealth, DeliveryHealthOptions } from './delivery-health.ts';
export { webhookAdapter } from './webhook-adapter.ts';
export type { WebhookAdapter, WebhookAdapterParts } from './webhook-adapter.ts';
export { checkChannelSection } from './config-section.ts';
export { channelHttpChecks, plainRemoteHttp } from './audit.ts';

// Inbound media: types shared with outbound media (media.ts) and the download kit.
export type { InboundAttachment, MediaInput, MediaIntake, MediaKind, MediaLimits, MediaRef, MediaRefusal, MediaRefusalReason } from './media.ts';
export { formatBytes, takeAttachment } from './media-intake.ts';
export type { IntakeOptions } from './media-intake.ts';
export { MediaDownloadError, MediaTooLargeError, httpDownload, readCappedBody } from './media-download.ts';
export type { HttpDownloadOptions } from './media-download.ts';
export { baseType, claimedType, judgeMedia, kindOf, sniffType, typeAllowed } from './media-sniff.ts';
export type { MediaVerdict, SniffedType } from './media-sniff.ts';
export { MEDIA_DIR, mediaDir, pruneMedia, sessionMediaFolder, storeMedia } from './media-store.ts';

// The start/stop/retry skeleton of an adapter with a long-lived connection.
export { createConnectionLoop } from './connection-loop.ts';
export type { ConnectionLoop, ConnectionLoopOptions, RetryOptions } from './connection-loop.ts';
