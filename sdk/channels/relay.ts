/**
 * The channel relay contract: in a cluster one instance runs each channel (its owner); a send on
 * any other instance is handed to the owner through the relay. A plugin that provides
 * `channelRelayRef` (cluster-redis, over a Redis stream) makes the `channels` service use it.
 */
import { createServiceRef } from '../core/index.ts';
import type { ChannelTarget } from './contract.ts';

/** A message for a channel this instance does not own, handed to the owner. */
export interface RelayedSend {
  target: ChannelTarget;
  text: string;
  sessionKey?: string;
}

export interface ChannelRelay {
  /** Queues the message for the channel's owner; resolves once stored. */
  forward(channel: string, message: RelayedSend): Promise<void>;
  /** On the owner: sends what others forward until the returned function is called. */
  serve(channel: string, send: (message: RelayedSend) => Promise<void>): () => Promise<void>;
}

export const channelRelayRef = createServiceRef<ChannelRelay>({
  id: 'channel-relay',
  description: 'Hands a send on a non-owner instance to the instance that runs the channel',
});
