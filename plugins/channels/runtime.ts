/**
 * One running channel: the host its adapter talks to. Inbound: dedupe → policy (pairing) →
 * `messageReceived` → session → agent run (typing while it runs) → reply. Outbound: every
 * text goes `messageSending` → chunks → the bounded queue → `adapter.send` → `messageSent`;
 * files (attachments) follow the text in the same queue → `adapter.sendMedia` (or a note).
 */
import { LRUCache } from 'lru-cache';
import type { KernelHooks } from '../../sdk/core/index.ts';
import type { Logger } from '../../sdk/core/index.ts';
import { createSessionTurns, type AgentService } from '../../sdk/agent/index.ts';
import { DEFAULT_MAX_MEDIA_BYTES, chunkText, createBackoff, mediaNote, queueSizeOf, type OutboundAttachment, storeUnavailable, type ChannelAdapter, type ChannelHost, type ChannelInbound, type ChannelSettings, type ChannelState, type ChannelStatus, type ChannelTarget, type PairingBackend, type PairingRequest, type ReceiveOutcome, type SeenStore } from '../../sdk/channels/index.ts';
import { metadataLine, prepareMedia, type MediaInput } from './media-input.ts';
import type { MediaSettings } from './media-settings.ts';
import { OutboundQueue, type OutboundItem } from './outbound-queue.ts';
import { checkAttachments } from './attachments.ts';
import type { RunMedia } from './run-media.ts';
import { decide } from './policy.ts';
import { sessionKeyFor, type AgentRoute } from './session-route.ts';
import { pairingApprovedText, pairingCodeText, runFailedText } from './texts.ts';

export const TYPING_REFRESH_MS = 4000;
const NO_MEDIA: MediaInput = Object.freeze({ notes: [], media: [], refusals: [] });
/** Longer inbound texts are dropped (the same bound as RPC chat.send). */
export const MAX_INBOUND_TEXT = 200_000;
export const DRAIN_MS = 2000;
/** A sender asking again within this window gets the same code back but no new message. */
export const CODE_RESEND_MS = 10 * 60 * 1000;
/** How long a platform message id is remembered (platforms redeliver within hours, not days). */
export const MESSAGE_ID_TTL_MS = 24 * 60 * 60 * 1000;
/** Ids one channel remembers in-process while the shared memory is down. */
const LOCAL_CLAIMS_MAX = 10_000;

export interface RuntimeDeps {
  adapter: ChannelAdapter;
  settings: ChannelSettings;
  hooks: KernelHooks;
  log: Logger;
  store: PairingBackend;
  /** What inbound messages were already processed (the state-dir journal, or Redis in a cluster). */
  seen: SeenStore;
  agent(): AgentService | undefined;
  /** Admin-scoped event to gateway clients (no-op without a gateway). */
  emit(event: string, payload: unknown): void;
  /** Work close() must wait for. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Aborted when the kernel closes. */
  signal: AbortSignal;
  /** Masks secrets in error texts that leave the process (lastError). */
  scrub(text: string): string;
  /** Inbound media: what the kit accepts and how files reach the model. */
  media: MediaSettings;
  /** Where stored media lives (`<stateDir>/media/…`). */
  stateDir: string;
  /** Files the agent attaches during this channel's runs (`send_file`). */
  runMedia: RunMedia;
  /** The agent (bindings) and DM scope of an inbound message; absent: agent main, per channel and peer. */
  route?: AgentRoute;
}

const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  if (signal.aborted) return resolve();
  const done = () => { clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); };
  const timer = setTimeout(done, ms);
  signal.addEventListener('abort', done, { once: true });
});

export class ChannelRuntime {
  readonly adapter: ChannelAdapter;
  readonly settings: ChannelSettings;
  readonly queue: OutboundQueue;
  readonly inbound = { accepted: 0, pairing: 0, pairingExpired: 0, claimedLocally: 0, mediaRefused: 0, dropped: new Map<string, number>() };
  readonly #deps: RuntimeDeps;
  readonly #log: Logger;
  readonly #stop = new AbortController();
  readonly #replies = new Map<string, Promise<void>>();
  /**
   * Messages of one session reach the agent in arrival order even when an earlier one still
   * downloads its files: each waits for the previous one's hand-over (its agent.run call).
   */
  readonly #turns = createSessionTurns();
  readonly #codeSentAt = new Map<string, number>();
  #state: ChannelState = 'stopped';
  #since = Date.now();
  #lastError: { message: string; at: number } | undefined;
  #accepting = false;
  #started = false;
  readonly host: ChannelHost;

  constructor(deps: RuntimeDeps) {
    this.#deps = deps;
    this.adapter = deps.adapter;
    this.settings = deps.settings;
    this.#log = deps.log.child({ channel: deps.adapter.id });
    this.queue = new OutboundQueue({
      channel: this.adapter.id,
      max: queueSizeOf(deps.settings),
      send: (target, item) => this.#sendItem(target, item),
      onError: (error) => {
        this.#recordError(error);
        this.#log.debug({ err: error }, 'send failed');
      },
      backoff: createBackoff(),
      sleep,
    });
    this.host = Object.freeze({
      settings: deps.settings,
      log: this.#log,
      signal: this.#stop.signal,
      receive: (message: ChannelInbound) => this.receive(message),
      setState: (state: ChannelState, error?: unknown) => this.setState(state, error),
      backoff: (options?: { baseMs?: number; maxMs?: number }) => createBackoff(options),
      seen: Object.freeze({
        claim: (key: string, ttlMs: number) => deps.seen.claim(`${deps.adapter.id}:${key}`, ttlMs),
        forget: (key: string) => deps.seen.forget(`${deps.adapter.id}:${key}`),
      }),
    });
  }

  get id(): string {
    return this.adapter.id;
  }

  /** Largest file this channel uploads. */
  get maxMediaBytes(): number {
    return this.adapter.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES;
  }

  /** A text chunk, or a file: uploaded by the adapter, or a note where the platform has no files. */
  #sendItem(target: ChannelTarget, item: OutboundItem): Promise<unknown> {
    if (typeof item === 'string') return this.adapter.send(target, item);
    if (this.adapter.sendMedia) return this.adapter.sendMedia(target, item);
    return this.adapter.send(target, mediaNote(item).slice(0, this.adapter.maxMessageLength));
  }

  get state(): ChannelState {
    return this.#state;
  }

  async start(): Promise<void> {
    // A shared store (cluster-redis) may be down at start: the channel starts anyway and each
    // message reloads the pairing state (see receive()); one store outage never stops the gateway.
    await this.#deps.store.load(this.id).catch((error: unknown) => this.#log.warn({ err: error }, 'pairing state not loaded at start; loaded again with the next message'));
    if (!this.settings.enabled) {
      this.#log.info('disabled (channels.%s.enabled is false): not started', this.id);
      return;
    }
    this.#accepting = true;
    this.#started = true;
    this.setState('connecting');
    // Approved with `moltbot pairing approve` while no gateway ran: tell them now (queued until connected).
    const notices = await this.#deps.store.takeNotifications(this.id).catch((error: unknown) => {
      this.#log.warn({ err: error }, 'pending approval notices not read (the store is unavailable); they stay stored for the next start');
      return [];
    });
    for (const notice of notices) this.notifyApproved(notice);
    try {
      await this.adapter.start(this.host);
    } catch (error) {
      // One channel down never stops the gateway: report it and retry in the background.
      this.setState('degraded', error);
      this.#log.warn({ err: error }, 'channel failed to start; retrying with backoff');
      void this.#retryStart();
    }
  }

  async #retryStart(): Promise<void> {
    const backoff = createBackoff();
    const stopped = AbortSignal.any([this.#stop.signal, this.#deps.signal]);
    while (!stopped.aborted) {
      await sleep(backoff.next(), stopped);
      if (stopped.aborted) return;
      try {
        await this.adapter.start(this.host);
        return;
      } catch (error) {
        this.setState('degraded', error);
        this.#log.debug({ err: error }, 'channel start retry failed');
      }
    }
  }

  async stop(): Promise<void> {
    if (this.#stop.signal.aborted) return;
    this.#accepting = false;
    // Replies of runs that already finished get a short window to go out.
    await Promise.allSettled([...this.#replies.values()]);
    if (this.queue.pending > 0 && this.#state === 'connected') await this.queue.drained(DRAIN_MS);
    this.#stop.abort();
    const left = this.queue.stop();
    if (left.chunks > 0) this.#log.warn({ undelivered: left.chunks, chats: left.chats }, 'channel closed with undelivered messages');
    if (!this.#started) return;
    try {
      await this.adapter.stop();
    } catch (error) {
      this.#log.warn({ err: error }, 'adapter stop failed');
    }
    this.setState('stopped');
  }

  setState(state: ChannelState, error?: unknown): void {
    if (error !== undefined) this.#recordError(error);
    this.queue.setConnected(state === 'connected');
    if (state === this.#state) return;
    this.#state = state;
    this.#since = Date.now();
    this.#log.debug({ state }, 'channel state');
    this.#deps.emit('channels.status', this.status());
  }

  #recordError(error: unknown): void {
    this.#lastError = { message: this.#deps.scrub(error instanceof Error ? error.message : String(error)).slice(0, 500), at: Date.now() };
  }

  status(): ChannelStatus {
    let dropped = 0;
    for (const count of this.inbound.dropped.values()) dropped += count;
    return {
      id: this.id,
      state: this.#state,
      since: this.#since,
      ...(this.#lastError ? { lastError: { ...this.#lastError } } : {}),
      queue: { pending: this.queue.pending, max: this.queue.max, dropped: this.queue.counters.dropped },
      inbound: { accepted: this.inbound.accepted, dropped, pairing: this.inbound.pairing },
      outbound: { sent: this.queue.counters.sent, failed: this.queue.counters.failed, retried: this.queue.counters.retried },
    };
  }

  #drop(reason: string, message: Partial<ChannelInbound>): ReceiveOutcome {
    this.inbound.dropped.set(reason, (this.inbound.dropped.get(reason) ?? 0) + 1);
    this.#log.debug({ reason, chatType: message.chatType, chatId: message.chatId, sender: message.sender, messageId: message.messageId }, 'inbound message dropped');
    return { status: 'dropped', reason };
  }

  /**
   * Message ids claimed while the seen-store could not answer (bounded; forgotten after the id
   * TTL). Created when the store first fails: lru-cache preallocates its slots, ≈ 0.4 MB per
   * channel held from start for an outage that may never come.
   */
  #claimedLocally: LRUCache<string, true> | undefined;
  #seenDown = false;

  #claimLocally(messageId: string, cause: unknown): boolean {
    if (!this.#seenDown) this.#log.warn({ err: storeUnavailable(cause) }, 'message-id memory unavailable: remembering ids in this process until it answers');
    this.#seenDown = true;
    this.inbound.claimedLocally += 1;
    const claimed = (this.#claimedLocally ??= new LRUCache<string, true>({ max: LOCAL_CLAIMS_MAX, ttl: MESSAGE_ID_TTL_MS }));
    if (claimed.has(messageId)) return false;
    claimed.set(messageId, true);
    return true;
  }


  normalize(id: string): string {
    return this.adapter.normalizeId ? this.adapter.normalizeId(id) : id;
  }

  async receive(message: ChannelInbound): Promise<ReceiveOutcome> {
    if (!isInbound(message)) return this.#drop('invalid', typeof message === 'object' && message !== null ? message : {});
    if (!this.#accepting) return this.#drop('stopped', message);
    if (message.text.trim().length === 0 && !message.attachments?.length) return this.#drop('empty', message);
    if (message.text.length > MAX_INBOUND_TEXT) return this.#drop('too-long', message);
    if (message.messageId !== undefined) {
      let first: boolean;
      try {
        first = await this.host.seen.claim(`msg:${message.messageId}`, MESSAGE_ID_TTL_MS);
        if (this.#seenDown) this.#log.info('message-id memory answers again');
        this.#seenDown = false;
        // A redelivery of a message run while the memory was down is still a duplicate.
        if (first && this.#claimedLocally?.has(message.messageId) === true) first = false;
      } catch (error) {
        // Polling and socket platforms (Telegram, Discord, IRC, Matrix) do not redeliver a message
        // refused here, so failing closed would lose it: while the shared memory is down this
        // instance remembers ids itself (a redelivery still runs once), and says so.
        first = this.#claimLocally(message.messageId, error);
      }
      if (!first) {
        this.#drop('duplicate', message);
        return { status: 'duplicate' };
      }
    }
    // A shared store (cluster-redis) refreshes here: an approval made on another instance counts.
    await this.#deps.store.load(this.id).catch((error: unknown) => this.#log.warn({ err: error }, 'pairing state not refreshed; deciding on the last known state'));
    const approved = new Set(this.#deps.store.approvedSenders(this.id).map((entry) => entry.sender));
    const decision = decide({ settings: this.settings, message, normalize: (id) => this.normalize(id), approved });
    if (decision.action === 'drop') return this.#drop(decision.reason, message);
    const sender = this.normalize(message.sender);
    if (decision.action === 'pair') {
      return this.#pair(message, sender).catch((error: unknown) => {
        this.#log.warn({ err: error }, 'pairing request failed');
        return this.#drop('pairing-error', message);
      });
    }
    let drop: { reason: string } | undefined;
    try {
      drop = await this.#hookVerdict(message, sender);
    } catch (error) {
      // A failing policy tap fails closed: the message does not reach the agent.
      this.#log.warn({ err: error }, 'a messageReceived tap failed');
      return this.#drop('hook-error', message);
    }
    if (drop) return this.#drop(`hook:${drop.reason}`, message);
    const agent = this.#deps.agent();
    if (!agent) return this.#drop('no-agent', message);
    const route = this.#deps.route?.({ channel: this.id, chatType: message.chatType, sender, chatId: message.chatId });
    const sessionKey = sessionKeyFor({ channel: this.id, chatType: message.chatType, sender, chatId: message.chatId, owner: decision.owner, ownerSession: this.settings.ownerSession, ...route });
    this.inbound.accepted++;
    const target: ChannelTarget = { chatType: message.chatType, chatId: message.chatId, ...(message.messageId ? { replyTo: message.messageId } : {}) };
    this.#deps.track(this.#run(agent, sessionKey, target, message)).catch(() => undefined);
    return { status: 'accepted', sessionKey };
  }

  #hookVerdict(message: ChannelInbound, sender: string) {
    return this.#deps.hooks.messageReceived.promise({
      channel: this.id, sender, chatType: message.chatType, chatId: message.chatId, text: message.text,
      receivedAt: message.receivedAt ?? Date.now(),
      ...(message.mentioned !== undefined ? { mentioned: message.mentioned } : {}),
      ...(message.attachments ? { attachments: message.attachments.map(({ name, mimeType, size }) => ({ name, mimeType, size })) } : {}),
    });
  }

  async #pair(message: ChannelInbound, sender: string): Promise<ReceiveOutcome> {
    const result = await this.#deps.store.request(this.id, sender, message.senderName, message.chatId);
    this.inbound.pairing++;
    if (result.status === 'created' && result.evicted !== undefined) {
      // The pending slots were full: the oldest request made room (its code no longer approves).
      this.inbound.pairingExpired++;
      this.#log.info({ expired: result.evicted.sender, expiredAt: result.evicted.createdAt, sender }, 'pairing: pending requests were full; the oldest one expired for a new contact');
    }
    if (result.status === 'created') {
      this.#log.info({ sender }, 'pairing requested (moltbot pairing list shows the code)');
      this.#deps.emit('pairing.requested', publicRequest(result.request));
    }
    // The same code again, but not on every message: a stranger cannot make the bot spam.
    const last = this.#codeSentAt.get(sender);
    const now = Date.now();
    if (last !== undefined && now - last < CODE_RESEND_MS) return { status: 'pairing', code: result.request.code };
    this.#codeSentAt.set(sender, now);
    if (this.#codeSentAt.size > 100) this.#codeSentAt.delete(this.#codeSentAt.keys().next().value as string);
    this.send({ chatType: 'dm', chatId: message.chatId }, pairingCodeText(this.id, result.request.code)).catch((error: unknown) => {
      this.#log.warn({ err: error }, 'could not send the pairing code');
    });
    return { status: 'pairing', code: result.request.code };
  }

  /** Tells a freshly approved sender (best effort: the channel may be down for a while). */
  notifyApproved(request: { sender: string; chatId?: string }): void {
    this.send({ chatType: 'dm', chatId: request.chatId ?? request.sender }, pairingApprovedText()).catch((error: unknown) => {
      this.#log.warn({ err: error }, 'could not tell the sender they are approved');
    });
  }

  async #run(agent: AgentService, sessionKey: string, target: ChannelTarget, message: ChannelInbound): Promise<void> {
    const typing = this.#typing(target);
    const handOver = this.#turns.take(sessionKey);
    let reply: string;
    let runId: string | undefined;
    const onAccepted = (id: string) => {
      runId = id;
      this.#deps.runMedia.open(id, this.id, this.maxMediaBytes);
    };
    try {
      // No await when there is nothing to wait for: a plain text reaches agent.run at once.
      if (handOver.previous !== undefined) await handOver.previous;
      const input = message.attachments?.length ? await this.#media(message, sessionKey, target) : NO_MEDIA;
      // Only refused files and no words: the refusal was the answer.
      if (input.refusals.length > 0 && input.media.length === 0 && message.text.trim() === '') return;
      // agent.run takes its place in the session's queue before its first await.
      const running = agent.run({
        sessionKey, message: agentText(message, input.notes), signal: this.#deps.signal, onAccepted, metadata: { channel: this.id, chatId: message.chatId, sender: message.sender },
        ...(input.media.length > 0 ? { media: input.media } : {}),
      });
      handOver.done();
      reply = (await running).text;
    } catch (error) {
      if (this.#deps.signal.aborted) {
        this.#deps.runMedia.take(runId);
        return;
      }
      this.#log.warn({ err: error, sessionKey }, 'agent run for a channel message failed');
      reply = runFailedText(error);
    } finally {
      handOver.done();
      typing();
    }
    // Files the agent attached (send_file) go out after the reply text, even with no text.
    const attachments = this.#deps.runMedia.take(runId);
    if (reply.trim().length === 0 && attachments.length === 0) return;
    // Replies of one chat enter the queue in the order their runs finished (the agent runs a
    // session's messages in order); delivery then follows the queue's FIFO order.
    const previous = this.#replies.get(target.chatId) ?? Promise.resolve();
    const submitted = previous.then(() => this.#submit(target, reply, sessionKey, attachments));
    const entered = submitted.then(() => undefined, () => undefined);
    this.#replies.set(target.chatId, entered);
    void entered.then(() => { if (this.#replies.get(target.chatId) === entered) this.#replies.delete(target.chatId); });
    // Tracked work ends once the reply is queued: delivery may wait for a reconnect, and close
    // must not wait for it (the queue reports what it could not deliver).
    const logFailure = (error: unknown) => this.#log.warn({ err: error, sessionKey }, 'reply not delivered');
    await submitted.then(({ delivered }) => void delivered.catch(logFailure), logFailure);
  }

  /** Downloads and reads the message's files; a refused file is explained to the sender right away. */
  async #media(message: ChannelInbound, sessionKey: string, target: ChannelTarget): Promise<MediaInput> {
    const attachments = message.attachments ?? [];
    const input = await prepareMedia(attachments, { settings: this.#deps.media, stateDir: this.#deps.stateDir, sessionKey, signal: this.#deps.signal, log: this.#log });
    if (input.refusals.length > 0) {
      this.inbound.mediaRefused += input.refusals.length;
      this.send(target, input.refusals.map((refusal) => refusal.message).join('\n'), sessionKey).catch((error: unknown) => {
        this.#log.warn({ err: error }, 'could not tell the sender a file was refused');
      });
    }
    return input;
  }

  #typing(target: ChannelTarget): () => void {
    if (!this.adapter.typing) return () => undefined;
    const tick = () => void Promise.resolve().then(() => this.adapter.typing!(target)).catch(() => undefined);
    tick();
    const timer = setInterval(tick, TYPING_REFRESH_MS);
    timer.unref?.();
    return () => clearInterval(timer);
  }

  /** messageSending → chunks and files → queue; messageSent once every item was accepted. */
  async send(target: ChannelTarget, text: string, sessionKey?: string, attachments: readonly OutboundAttachment[] = []): Promise<void> {
    checkAttachments(this.id, attachments, this.maxMediaBytes);
    await (await this.#submit(target, text, sessionKey, attachments)).delivered;
  }

  /** Resolves once the items are in the queue; `delivered` once the adapter accepted them all. */
  async #submit(target: ChannelTarget, text: string, sessionKey?: string, attachments: readonly OutboundAttachment[] = []): Promise<{ delivered: Promise<void> }> {
    const outbound = await this.#deps.hooks.messageSending.promise({
      channel: this.id, to: target.chatId, text,
      ...(sessionKey ? { sessionKey } : {}),
      ...(target.replyTo ? { replyTo: target.replyTo } : {}),
      ...(attachments.length > 0 ? { attachments: [...attachments] } : {}),
    });
    if (!outbound || typeof outbound.text !== 'string') return { delivered: Promise.resolve() };
    // A tap may have dropped or replaced files: what it returns is checked again.
    const files = Array.isArray(outbound.attachments) ? outbound.attachments : [];
    checkAttachments(this.id, files, this.maxMediaBytes);
    const items: OutboundItem[] = [...(outbound.text.trim().length > 0 ? chunkText(outbound.text, this.adapter.maxMessageLength) : []), ...files];
    if (items.length === 0) return { delivered: Promise.resolve() };
    const queued = this.queue.enqueue(target, items);
    return { delivered: queued.then(() => this.#deps.hooks.messageSent.promise(outbound)) };
  }
}

function publicRequest(request: PairingRequest): PairingRequest {
  const { channel, code, sender, senderName, createdAt, expiresAt } = request;
  return { channel, code, sender, ...(senderName ? { senderName } : {}), createdAt, expiresAt };
}

/**
 * What the agent reads: in groups who said it (a display name cannot forge a line break), then
 * one block per attachment (`notes` from prepareMedia; without them, attachment metadata).
 */
export function agentText(message: ChannelInbound, notes?: readonly string[]): string {
  const who = (message.senderName ?? message.sender).replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim().slice(0, 64);
  const lines = [message.chatType === 'group' ? `${who}: ${message.text}` : message.text];
  lines.push(...(notes ?? (message.attachments ?? []).map(metadataLine)));
  return lines.join('\n').trim();
}

function isInbound(message: unknown): message is ChannelInbound {
  const m = message as ChannelInbound;
  return typeof m === 'object' && m !== null && typeof m.sender === 'string' && m.sender.length > 0
    && (m.chatType === 'dm' || m.chatType === 'group') && typeof m.chatId === 'string' && m.chatId.length > 0 && typeof m.text === 'string';
}
