/**
 * `moltbot/plugin-sdk/agent`: what a plugin needs to work with the agent.
 *
 * - Tools: `toolRegistryRef` (service `tools`), `ToolDefinition` with its declared `access`
 *   (file tools declare their path arguments so protected paths apply to them by kind), and
 *   the tool policy (`toolPolicyRef`, service `tool-policy`); `ToolContext.progress` and the
 *   shared throttle `createProgressReporter` for runners.
 * - Model API for provider plugins: `ModelApi` / `ModelCall` / `ModelEvent`, `modelApiRef(api)`,
 *   `ModelCallError` and the helpers that classify HTTP and SDK errors, `postModelStream` (one
 *   streamed call: JSON POST, SSE answer, HTTP errors classified), `resolveModel`.
 * - Sessions: transcript entry types, the `SessionStore` contract (`sessionStoreRef`), session
 *   keys, `sessionLeaseRef`, the cross-instance `eventBusRef`.
 * - Runs: the `agent` service contract (`agentServiceRef`), `AgentError`, and the agent's own
 *   hooks (`agentHooksRef`: `beforeCompaction`, `modelOutput`); `chatAttachmentsRef`, the
 *   service that turns upload ids sent with chat.send into media references.
 *
 * Implementations with state (the run loop, the file store, the providers) stay in their
 * plugins and are reached through these refs.
 */
export { agentServiceRef, sessionLeaseRef } from './agent-service.ts';
export type { AgentService, ModelState, RunEvent, RunRequest, RunResult, SessionLease } from './agent-service.ts';
export { AgentError } from './agent-error.ts';
export type { AgentErrorCode } from './agent-error.ts';
export { agentHooksRef, createAgentHooks, getAgentHooks } from './agent-hooks.ts';
export type { AgentHooks, BeforeCompaction, CompactionFlushRequest, ModelOutputProgress, ModelOutputStop } from './agent-hooks.ts';
export { chatAttachmentsRef } from './chat-attachments.ts';
export type { ChatAttachmentsRequest, ChatAttachmentsService, ResolvedChatAttachments } from './chat-attachments.ts';
export { createSessionTurns } from './session-turns.ts';
export type { SessionTurn, SessionTurns } from './session-turns.ts';
export { eventBusRef } from './event-bus.ts';
export type { EventBus } from './event-bus.ts';
export { ModelCallError, attemptSignal, classifyStatus, fromSdkError } from './model-error.ts';
export { parseEvent, postModelStream, providerMessage } from './model-stream.ts';
export type { ModelStreamEvent, ModelStreamRequest } from './model-stream.ts';
// An HTTP helper that lives in the gateway area; kept here for providers that import it from the agent area.
export { parseRetryAfter } from '../gateway/index.ts';
export type { ModelErrorClass } from './model-error.ts';
export { keyEnvName, resolveModel, splitRef } from './model-refs.ts';
export type { ProviderConfig, ResolvedModel } from './model-refs.ts';
export { modelApiRef, sessionStoreRef } from './service-refs.ts';
export { mainSessionKey, parseSessionKey } from './session-key.ts';
export type { SessionKeyParts } from './session-key.ts';
export { DEFAULT_SANDBOX_DENY, GUIDE_TOOLS, TOOL_GROUPS, createToolPolicy, toolPolicyRef } from './tool-policy.ts';
export type { SandboxMode, SandboxPolicyConfig, ToolPolicy, ToolPolicyService } from './tool-policy.ts';
export { createToolRegistry, declaredPaths, toolRegistryRef } from './tool-registry.ts';
export type { DeclaredPath, PathAccess, ToolAccess, ToolContext, ToolDefinition, ToolRegistry } from './tool-registry.ts';
export { MAX_PROGRESS_MESSAGE, PROGRESS_INTERVAL_MS, createProgressReporter } from './tool-progress.ts';
export type { ProgressReporter, ToolProgress } from './tool-progress.ts';
export type * from './types.ts';
export { closeOrphanToolCalls, orphanToolCalls } from './orphan-tool-calls.ts';
export { emptySummary, foldEntries, summarize } from './session-summary.ts';
export { toolErrors } from './error-codes.ts';
export { MAX_TOOL_CALL_REWRITES, decideToolCall } from './decide-tool-call.ts';
export type { ToolCallVerdict } from './decide-tool-call.ts';
export { sandboxServiceRef } from './sandbox-service.ts';
export type { ArgsSchema, SandboxRunRequest, SandboxRunResult, SandboxService, SandboxStats, UserTool, UserToolProblem } from './sandbox-service.ts';
export { DEFAULT_AGENT_MODEL, MAIN_AGENT_ID, agentRoster, configErrorsOf, resolveAgentRoster } from './agents-config.ts';
export type { AgentIdentity, AgentProfile, AgentRoster, AgentToolsConfig, RosterOptions } from './agents-config.ts';
export { DEFAULT_ACCOUNT_ID, compileBindings } from './bindings.ts';
export type { AgentRouter, CompiledBinding, RouteFacts } from './bindings.ts';
