/** The agent's settings from the root config (`agent`, `agents`, `providers`), with defaults. */
import type { ProviderConfig } from '../../sdk/agent/index.ts';

export interface AgentSettings {
  model: string;
  fallbacks: string[];
  systemPrompt?: string;
  /** Whole run, all model calls and tools included. */
  requestTimeoutMs: number;
  /** One model call. */
  attemptTimeoutMs: number;
  toolTimeoutMs: number;
  maxToolIterations: number;
  maxTokens: number;
  contextTokens: number;
  /** Compact when the estimated prompt exceeds this share of contextTokens. */
  compactAt: number;
  keepMessages: number;
  cooldownMs: number;
  retryDelayMs: number;
  maxConcurrentRuns: number;
  maxQueuedRuns: number;
  sessionCacheSize: number;
  providers: Record<string, ProviderConfig>;
}

export const DEFAULT_MODEL = 'anthropic/claude-3-5-sonnet-20241022';

export function resolveAgentSettings(config: Readonly<Record<string, any>>): AgentSettings {
  const agent = config['agent'] ?? {};
  const agents = config['agents'] ?? {};
  return {
    model: agent.model ?? DEFAULT_MODEL,
    fallbacks: [...(agent.fallbacks ?? [])],
    ...(agent.systemPrompt !== undefined ? { systemPrompt: agent.systemPrompt } : {}),
    requestTimeoutMs: agent.requestTimeout ?? 300_000,
    attemptTimeoutMs: agent.attemptTimeout ?? 120_000,
    toolTimeoutMs: agent.toolTimeout ?? 60_000,
    maxToolIterations: agent.maxToolIterations ?? 10,
    maxTokens: agent.maxTokens ?? 4096,
    contextTokens: agent.contextTokens ?? 100_000,
    compactAt: agent.compactAt ?? 0.8,
    keepMessages: agent.keepMessages ?? 6,
    cooldownMs: agent.cooldown ?? 60_000,
    retryDelayMs: agent.retryDelay ?? 1000,
    maxConcurrentRuns: agents.maxConcurrentRuns ?? 5,
    maxQueuedRuns: agents.maxQueuedRuns ?? 100,
    sessionCacheSize: agents.sessionCacheSize ?? 100,
    providers: { ...(config['providers'] ?? {}) },
  };
}
