/**
 * The agent's RPC methods (declared with the gateway's defineMethod; without a gateway they are
 * simply never called). chat.send answers once the user message is durable; the reply streams
 * as `chat.delta` events (and `tool.progress` while a tool reports progress) and ends with
 * `chat.final` (usage included).
 */
import { randomUUID } from 'node:crypto';
import type { PluginContext } from '../../sdk/core/index.ts';
import { defineMethod, gatewayServiceRef, RpcError, type MethodSpec } from '../../sdk/gateway/index.ts';
import { AgentError } from '../../sdk/agent/index.ts';
import type { AgentService } from '../../sdk/agent/index.ts';
import { EVENT_NAMES, SessionEvents, SESSION_TOPIC, MAX_SUBSCRIPTIONS_PER_CONNECTION } from './session-events.ts';
import { chatAttachmentsRef, createSessionTurns, eventBusRef, type EventBus, type ResolvedChatAttachments } from '../../sdk/agent/index.ts';
import { mainSessionKey } from '../../sdk/agent/index.ts';
import { CHAT_ABORT, CHAT_SEND, HISTORY, MODELS_RESET, NO_PARAMS, ONE_SESSION, RUNS_TRACE, SESSIONS_LIST, SESSIONS_UNSUBSCRIBE } from './method-params.ts';
import * as validators from '../../schemas/generated/agent.method-params.validate.ts';

const NO_ATTACHMENTS: ResolvedChatAttachments = Object.freeze({ notes: [], media: [] });
type RpcCall = Parameters<MethodSpec['handler']>[1];

export function toRpcError(error: unknown): unknown {
  if (!(error instanceof AgentError)) return error;
  return new RpcError(error.code, error.message, {
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    ...(error.details !== undefined ? { details: error.details } : {}),
  });
}

async function wrap<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toRpcError(error);
  }
}

interface EventSender { sendTo(connectionId: string, event: string, payload?: unknown): boolean }

/**
 * `webchatSession`: where chat.send and chat.history go without a sessionKey, the main session
 * of the agent the bindings give the webchat channel (default: agent:main:main).
 */
export function defineAgentMethods(ctx: Pick<PluginContext, 'name' | 'hooks' | 'track' | 'log' | 'use' | 'useOptional' | 'onClose'>, agent: () => AgentService, webchatSession: string = mainSessionKey(), agentIds: readonly string[] = ['main']): void {
  let sender: EventSender | undefined;
  const gateway = () => (sender ??= ctx.use(gatewayServiceRef));
  // Resolved once at start: a missing optional service is an exception, too dear per event.
  let bus: EventBus | undefined;
  let watchers: EventSender | undefined;
  const events = new SessionEvents({
    instanceId: randomUUID(),
    send: (connectionId, event, payload) => watchers?.sendTo(connectionId, event, payload) ?? false,
    bus: () => bus,
  });
  ctx.hooks.start.tapPromise(ctx.name, async () => {
    bus = ctx.useOptional(eventBusRef);
    watchers = ctx.useOptional(gatewayServiceRef);
    ctx.onClose(agent().subscribe((event) => events.local(event)));
    // A closed connection's subscriptions go with it (not only when an event finds it gone).
    const gatewayService = ctx.useOptional(gatewayServiceRef);
    if (gatewayService) ctx.onClose(gatewayService.onDisconnect((connectionId) => events.unsubscribe(connectionId)));
    if (bus) ctx.onClose(bus.subscribe(SESSION_TOPIC, (message) => events.remote(message)));
  });
  /** Uploaded files → notes and media references, through the service that stored them (channel-webchat). */
  const turns = createSessionTurns();
  const attachmentsOf = async (sessionKey: string, ids: readonly string[], signal: AbortSignal): Promise<ResolvedChatAttachments> => {
    // Looked up per call, not declared in `consumes`: its provider (channel-webchat) comes after
    // `channels`, which comes after the agent (it uses the tool registry), so a declared use would be a cycle.
    const uploads = ctx.useOptional(chatAttachmentsRef);
    if (uploads === undefined) throw new RpcError('INVALID_REQUEST', '/params/attachments: this gateway takes no uploads (add the channel-webchat plugin), so send the message without attachments');
    return uploads.resolve({ sessionKey, ids, param: '/params/attachments', signal });
  };
  /** Runs the message; resolves with {runId} once it is durable (see below). */
  const start = (params: { message: string }, rpc: RpcCall, sessionKey: string, input: ResolvedChatAttachments) => new Promise((resolve, reject) => {
    // Until the message is accepted the request's signal (gateway timeout, shutdown) may
    // cancel the run; once accepted the run belongs to the session, not to this request.
    const controller = new AbortController();
    const cancel = () => controller.abort(rpc.signal.reason);
    if (rpc.signal.aborted) cancel();
    else rpc.signal.addEventListener('abort', cancel, { once: true });
    const running = agent().run({
      sessionKey,
      // As a channel message: the text, then one block per file.
      message: [params.message, ...input.notes].join('\n').trim(),
      ...(input.media.length > 0 ? { media: input.media } : {}),
      signal: controller.signal,
      metadata: { connection: rpc.connection.id },
      // The run's events go to the client that started it, not to every connected client.
      onEvent: ({ type, ...payload }) => {
        gateway()?.sendTo(rpc.connection.id, EVENT_NAMES[type], payload);
      },
      onAccepted: (runId) => {
        events.startedBy(runId, rpc.connection.id);
        rpc.signal.removeEventListener('abort', cancel);
        resolve({ runId, status: 'started' });
      },
    });
    running.finally(() => rpc.signal.removeEventListener('abort', cancel)).catch(() => undefined);
    // After acceptance the outcome travels as chat.final; before it, as this response.
    ctx.track(running.then(() => undefined, (error: unknown) => reject(toRpcError(error))));
  });
  defineMethod<{ sessionKey?: string; message: string; attachments?: string[] }>(ctx, {
    name: 'chat.send',
    scope: 'write',
    description: 'Starts a run; answers {runId} once the message is stored, then streams chat.delta / tool.progress / chat.final events. attachments: ids of files uploaded first (control UI: POST /channels/webchat/upload), given to the model as a channel\'s inbound media',
    params: CHAT_SEND,
    validate: validators.CHAT_SEND,
    handler: (params, rpc) => wrap(async () => {
      const sessionKey = params.sessionKey ?? webchatSession;
      // A message sent after one whose files are still being read waits for its hand-over.
      const turn = turns.take(sessionKey);
      let accepted: Promise<unknown>;
      try {
        if (turn.previous !== undefined) await turn.previous;
        const input = params.attachments?.length ? await attachmentsOf(sessionKey, params.attachments, rpc.signal) : NO_ATTACHMENTS;
        if (params.message.trim() === '' && input.media.length === 0) throw new RpcError('INVALID_REQUEST', '/params/message must not be empty (send text, attachments or both)');
        accepted = start(params, rpc, sessionKey, input);
      } finally {
        // agent.run was called (it holds its place in the session's queue), or the message failed.
        turn.done();
      }
      return accepted;
    }),
  });
  defineMethod<{ runId?: string; sessionKey?: string }>(ctx, {
    name: 'chat.abort',
    scope: 'write',
    sideEffects: false,
    params: CHAT_ABORT,
    validate: validators.CHAT_ABORT,
    handler: (params) => ({ aborted: agent().abort(params) }),
  });
  const history = (params: { sessionKey?: string; limit?: number }) => wrap(async () => ({
    messages: await agent().history(params.sessionKey ?? webchatSession, params.limit),
  }));
  defineMethod(ctx, { name: 'chat.history', scope: 'read', params: HISTORY, validate: validators.HISTORY, handler: history });
  defineMethod(ctx, { name: 'sessions.history', scope: 'read', params: HISTORY, validate: validators.HISTORY, handler: history });
  defineMethod<{ sessionKey: string }>(ctx, {
    name: 'sessions.subscribe',
    scope: 'read',
    sideEffects: false,
    description: 'Streams chat.delta / tool.progress / chat.final of every run in the session to this connection, whoever started it and on any gateway instance',
    params: ONE_SESSION,
    validate: validators.ONE_SESSION,
    handler: (params, rpc) => {
      if (!events.subscribe(rpc.connection.id, params.sessionKey)) {
        throw new RpcError('LIMIT_EXCEEDED', `a connection may watch at most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} sessions; unsubscribe from one first`);
      }
      return { subscribed: params.sessionKey };
    },
  });
  defineMethod<{ sessionKey?: string }>(ctx, {
    name: 'sessions.unsubscribe',
    scope: 'read',
    sideEffects: false,
    description: 'Stops the events of one session (or of every session without sessionKey)',
    params: SESSIONS_UNSUBSCRIBE,
    validate: validators.SESSIONS_UNSUBSCRIBE,
    handler: (params, rpc) => {
      events.unsubscribe(rpc.connection.id, params.sessionKey);
      return { unsubscribed: params.sessionKey ?? 'all' };
    },
  });
  defineMethod<{ agentId?: string }>(ctx, {
    name: 'sessions.list',
    scope: 'read',
    description: 'Sessions of one agent, or of every agent of the gateway without agentId (latest first)',
    params: SESSIONS_LIST,
    validate: validators.SESSIONS_LIST,
    handler: (params) => wrap(async () => {
      if (params.agentId !== undefined) return { sessions: await agent().listSessions(params.agentId) };
      const all = (await Promise.all(agentIds.map((id) => agent().listSessions(id)))).flat();
      return { sessions: all.sort((a, b) => b.updatedAt - a.updatedAt) };
    }),
  });
  defineMethod<{ sessionKey: string }>(ctx, {
    name: 'sessions.inspect',
    scope: 'read',
    params: ONE_SESSION,
    validate: validators.ONE_SESSION,
    handler: (params) => wrap(async () => {
      const info = await agent().inspectSession(params.sessionKey);
      if (info === undefined) throw new AgentError('NOT_FOUND', `no session "${params.sessionKey}"`);
      const { file: _file, ...visible } = info;
      return visible;
    }),
  });
  defineMethod<{ runId: string; agentId?: string }>(ctx, {
    name: 'runs.trace',
    scope: 'read',
    params: RUNS_TRACE,
    validate: validators.RUNS_TRACE,
    handler: (params) => wrap(async () => {
      // Without agentId, every agent's store is asked: a client listing all sessions need not know whose run it is.
      let trace = await agent().trace(params.runId, params.agentId);
      for (const id of params.agentId === undefined ? agentIds : []) trace ??= await agent().trace(params.runId, id);
      if (trace === undefined) throw new AgentError('NOT_FOUND', `no trace for run "${params.runId}"`);
      return trace;
    }),
  });
  defineMethod(ctx, {
    name: 'models.status',
    scope: 'read',
    params: NO_PARAMS,
    validate: validators.NO_PARAMS,
    handler: () => ({ models: agent().modelStatus(), usage: agent().usage(), queue: agent().queue() }),
  });
  defineMethod<{ ref?: string }>(ctx, {
    name: 'models.reset',
    scope: 'admin',
    params: MODELS_RESET,
    validate: validators.MODELS_RESET,
    handler: (params) => {
      agent().resetModels(params.ref);
      return { models: agent().modelStatus() };
    },
  });
}
