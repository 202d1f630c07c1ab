/**
 * The pairing store contract: pending codes and approved senders per channel. The `channels`
 * plugin keeps them in one file per channel under the state dir; a plugin that provides
 * `pairingStoreRef` (cluster-redis) replaces that store, so every instance of a cluster sees the
 * same approvals. The code grammar and limits below are shared so every backend behaves alike.
 */
import { randomBytes } from 'node:crypto';
import { createServiceRef } from '../core/index.ts';
import type { PairingRequest } from './contract.ts';

/** No 0/O, 1/I: read aloud or typed from a phone without ambiguity. 32 symbols: no modulo bias. */
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 8;
export const CODE_TTL_MS = 60 * 60 * 1000;
export const MAX_PENDING = 3;
/** A channel id (the adapter id grammar): it becomes a file name or a key, never a path. */
export const CHANNEL_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export interface ApprovedSender {
  sender: string;
  senderName?: string;
  approvedAt: number;
  /** Approved while no channel ran (CLI on the file): tell them here when the channel starts. */
  notifyChatId?: string;
}

/** A pending request as stored: where to tell the sender they were approved. */
export interface StoredRequest extends PairingRequest {
  chatId?: string;
}

/**
 * `evicted`: the pending request a new one replaced because MAX_PENDING were waiting (the
 * oldest goes: a full set of strangers must not lock every later contact out for an hour).
 */
export type RequestResult =
  | { status: 'existing'; request: StoredRequest }
  | { status: 'created'; request: StoredRequest; evicted?: StoredRequest };

/** A code that is not pending (expired, used, mistyped); the `channels` service answers MOLT_ERR_PAIRING_NOT_FOUND. */
export class PairingError extends Error {
  readonly code: 'NOT_FOUND';
  constructor(message: string) {
    super(message);
    this.name = 'PairingError';
    this.code = 'NOT_FOUND';
  }
}

/** What the channels runtime needs of a pairing store. A write that fails changes nothing (it rejects). */
export interface PairingBackend {
  /** Reads a channel's state once (missing: empty); later calls use memory. */
  load(channel: string): Promise<void>;
  /** Every channel that has pairing state (for listing without a running gateway). */
  loadAll(): Promise<string[]>;
  approvedSenders(channel: string): ApprovedSender[];
  list(channel?: string): PairingRequest[];
  /** The sender's pending code (same code when asked again), or a new one; beyond MAX_PENDING the oldest is evicted. */
  request(channel: string, sender: string, senderName?: string, chatId?: string): Promise<RequestResult>;
  /** Throws PairingError when `code` is not pending. `notifyLater`: remember to tell the sender when the channel runs. */
  approve(channel: string, code: string, options?: { notifyLater?: boolean }): Promise<StoredRequest>;
  /** Approvals made while the channel was not running, whose sender is still to be told (cleared). */
  takeNotifications(channel: string): Promise<{ sender: string; chatId: string }[]>;
  reject(channel: string, code: string): Promise<StoredRequest>;
  /** Removes an approved sender; false when they were not approved. */
  revoke(channel: string, sender: string): Promise<boolean>;
  /** Waits for every write in flight. */
  flush(): Promise<void>;
}

/** A shared pairing store; without a provider the `channels` plugin uses its state-dir files. */
export const pairingStoreRef = createServiceRef<PairingBackend>({
  id: 'pairing-store',
  description: 'Pending pairing codes and approved senders of every channel, shared across gateway instances',
});

export function generateCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  let code = '';
  for (const byte of bytes) code += CODE_ALPHABET[byte % CODE_ALPHABET.length];
  return code;
}
