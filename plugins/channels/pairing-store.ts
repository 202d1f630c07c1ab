/**
 * The default pairing store (contract: sdk/channels/pairing-store.ts): one JSON file per channel
 * (`<stateDir>/credentials/pairing/<channel>.json`, 0600, written atomically). Writes of one
 * channel are serialised in this process; across processes the gateway lock makes one writer
 * (the running gateway, or the CLI holding the lock while none runs).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CHANNEL_ID, CODE_TTL_MS, MAX_PENDING, PairingError, generateCode, type ApprovedSender, type PairingBackend, type PairingRequest, type RequestResult, type StoredRequest } from '../../sdk/channels/index.ts';
import { writeJsonAtomic } from '../../sdk/core/index.ts';

interface ChannelPairing {
  version: 1;
  pending: StoredRequest[];
  approved: ApprovedSender[];
}

export function pairingDir(stateDir: string): string {
  return join(stateDir, 'credentials', 'pairing');
}

export class PairingStore implements PairingBackend {
  readonly #dir: string;
  readonly #now: () => number;
  readonly #channels = new Map<string, ChannelPairing>();
  readonly #writes = new Map<string, Promise<void>>();

  constructor(stateDir: string, now: () => number = Date.now) {
    this.#dir = pairingDir(stateDir);
    this.#now = now;
  }

  /** The channel id becomes a file name: only the adapter id grammar, never a path. */
  #file(channel: string): string {
    if (!CHANNEL_ID.test(channel)) throw new PairingError(`invalid channel id ${JSON.stringify(channel)}: expected [a-z0-9][a-z0-9_-]{0,63}`);
    return join(this.#dir, `${channel}.json`);
  }

  /** Reads a channel's file once (missing: empty); later calls use memory. */
  async load(channel: string): Promise<void> {
    const file = this.#file(channel);
    if (this.#channels.has(channel)) return;
    let data: ChannelPairing = { version: 1, pending: [], approved: [] };
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<ChannelPairing>;
      data = { version: 1, pending: Array.isArray(parsed.pending) ? parsed.pending : [], approved: Array.isArray(parsed.approved) ? parsed.approved : [] };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read pairing state ${file}: ${(error as Error).message}`);
    }
    if (!this.#channels.has(channel)) this.#channels.set(channel, data);
  }

  /** Every channel that has a pairing file (for listing without a running gateway). */
  async loadAll(): Promise<string[]> {
    const names = await readdir(this.#dir).catch(() => [] as string[]);
    const channels = names.filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -'.json'.length)).filter((name) => CHANNEL_ID.test(name));
    for (const channel of channels) await this.load(channel);
    return channels;
  }

  #state(channel: string): ChannelPairing {
    let state = this.#channels.get(channel);
    if (!state) {
      state = { version: 1, pending: [], approved: [] };
      this.#channels.set(channel, state);
    }
    const now = this.#now();
    state.pending = state.pending.filter((request) => request.expiresAt > now);
    return state;
  }

  /**
   * Writes the channel's state; when the write fails (e.g. MOLT_ERR_STORE_NO_SPACE) `undo`
   * takes the change back out of memory too, so a request that failed changed nothing — an
   * approval that was refused grants no access, a revoke that was refused is not half done.
   */
  #persist(channel: string, undo: () => void): Promise<void> {
    const previous = this.#writes.get(channel) ?? Promise.resolve();
    // Each write snapshots the state when it runs: the last one always holds the latest state.
    const next = previous.catch(() => undefined).then(() => writeJsonAtomic(this.#file(channel), this.#channels.get(channel), { mkdir: true }));
    this.#writes.set(channel, next);
    return next.catch((error: unknown) => {
      undo();
      throw error;
    });
  }

  approvedSenders(channel: string): ApprovedSender[] {
    return [...this.#state(channel).approved];
  }

  list(channel?: string): PairingRequest[] {
    const channels = channel === undefined ? [...this.#channels.keys()] : [channel];
    return channels.flatMap((name) => this.#state(name).pending.map((request) => ({ ...request })));
  }

  /** The sender's pending code (same code when asked again), or a new one; beyond MAX_PENDING the oldest pending request is expired for it. */
  async request(channel: string, sender: string, senderName?: string, chatId?: string): Promise<RequestResult> {
    const state = this.#state(channel);
    const existing = state.pending.find((request) => request.sender === sender);
    if (existing) return { status: 'existing', request: { ...existing } };
    let evicted: StoredRequest | undefined;
    if (state.pending.length >= MAX_PENDING) {
      const oldest = state.pending.reduce((a, b) => (b.createdAt < a.createdAt ? b : a));
      state.pending = state.pending.filter((request) => request !== oldest);
      evicted = oldest;
    }
    const createdAt = this.#now();
    let code = generateCode();
    while (state.pending.some((request) => request.code === code)) code = generateCode();
    const request: StoredRequest = { channel, code, sender, ...(senderName ? { senderName } : {}), createdAt, expiresAt: createdAt + CODE_TTL_MS, ...(chatId ? { chatId } : {}) };
    state.pending.push(request);
    await this.#persist(channel, () => {
      // Not written: the newcomer is not pending and the expired request comes back.
      state.pending = [...(evicted ? [evicted] : []), ...state.pending.filter((entry) => entry !== request)];
    });
    return { status: 'created', request: { ...request }, ...(evicted ? { evicted: { ...evicted } } : {}) };
  }

  #take(channel: string, code: string): StoredRequest {
    const state = this.#state(channel);
    const wanted = code.trim().toUpperCase();
    const index = state.pending.findIndex((request) => request.code === wanted);
    if (index === -1) throw new PairingError(`no pending pairing code "${wanted}" for channel "${channel}" (expired, already used, or mistyped); \`moltbot pairing list\` shows the pending ones`);
    return state.pending.splice(index, 1)[0]!;
  }

  async approve(channel: string, code: string, options: { notifyLater?: boolean } = {}): Promise<StoredRequest> {
    const request = this.#take(channel, code);
    const state = this.#state(channel);
    let added: ApprovedSender | undefined;
    if (!state.approved.some((entry) => entry.sender === request.sender)) {
      added = {
        sender: request.sender,
        ...(request.senderName ? { senderName: request.senderName } : {}),
        approvedAt: this.#now(),
        ...(options.notifyLater ? { notifyChatId: request.chatId ?? request.sender } : {}),
      };
      state.approved.push(added);
    }
    await this.#persist(channel, () => {
      if (added !== undefined) state.approved = state.approved.filter((entry) => entry !== added);
      this.#state(channel).pending.push(request);
    });
    return request;
  }

  /** Approvals made while the channel was not running, whose sender is still to be told (cleared). */
  async takeNotifications(channel: string): Promise<{ sender: string; chatId: string }[]> {
    const state = this.#state(channel);
    const due = state.approved.filter((entry) => entry.notifyChatId !== undefined);
    if (due.length === 0) return [];
    const notices = due.map((entry) => ({ sender: entry.sender, chatId: entry.notifyChatId! }));
    for (const entry of due) delete entry.notifyChatId;
    await this.#persist(channel, () => {
      due.forEach((entry, i) => { entry.notifyChatId = notices[i]!.chatId; });
    });
    return notices;
  }

  async reject(channel: string, code: string): Promise<StoredRequest> {
    const request = this.#take(channel, code);
    await this.#persist(channel, () => void this.#state(channel).pending.push(request));
    return request;
  }

  /** Removes an approved sender; false when they were not approved. */
  async revoke(channel: string, sender: string): Promise<boolean> {
    const state = this.#state(channel);
    const removed = state.approved.filter((entry) => entry.sender === sender);
    if (removed.length === 0) return false;
    state.approved = state.approved.filter((entry) => entry.sender !== sender);
    await this.#persist(channel, () => void state.approved.push(...removed));
    return true;
  }

  /** Waits for every write in flight. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.#writes.values()]);
  }
}
