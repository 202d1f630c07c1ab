/**
 * List prices (USD per million tokens) of the models the first-party providers reach
 * (provider-anthropic: Anthropic Messages API; provider-openai: OpenAI Chat Completions).
 *
 * Sources, as published when this table was written (2025-11):
 * - Anthropic: https://docs.anthropic.com/en/docs/about-claude/pricing ("Base Input Tokens",
 *   "Output Tokens", "Cache Hits & Refreshes" columns).
 * - OpenAI: https://platform.openai.com/docs/pricing (Standard tier: "Input", "Cached input",
 *   "Output").
 * Providers change prices: a config `prices` entry (plugin options of `usage`) replaces the
 * row of the same key. Keys are model ids as the provider names them; a dated snapshot id
 * (`claude-sonnet-4-5-20250929`, `gpt-4o-2024-08-06`) uses the undated row.
 */
import type { PriceTable } from '../../sdk/usage/index.ts';

export const PRICES_SOURCE = 'docs.anthropic.com/en/docs/about-claude/pricing and platform.openai.com/docs/pricing, as of 2025-11';

export const DEFAULT_PRICES: PriceTable = Object.freeze({
  // Anthropic
  'claude-opus-4-5': { input: 5, output: 25, cachedInput: 0.5 },
  'claude-opus-4-1': { input: 15, output: 75, cachedInput: 1.5 },
  'claude-opus-4-0': { input: 15, output: 75, cachedInput: 1.5 },
  'claude-opus-4': { input: 15, output: 75, cachedInput: 1.5 },
  'claude-sonnet-4-5': { input: 3, output: 15, cachedInput: 0.3 },
  'claude-sonnet-4-0': { input: 3, output: 15, cachedInput: 0.3 },
  'claude-sonnet-4': { input: 3, output: 15, cachedInput: 0.3 },
  'claude-3-7-sonnet': { input: 3, output: 15, cachedInput: 0.3 },
  'claude-haiku-4-5': { input: 1, output: 5, cachedInput: 0.1 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cachedInput: 0.08 },
  'claude-3-haiku': { input: 0.25, output: 1.25, cachedInput: 0.03 },
  // OpenAI
  'gpt-5': { input: 1.25, output: 10, cachedInput: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cachedInput: 0.025 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cachedInput: 0.005 },
  'gpt-4.1': { input: 2, output: 8, cachedInput: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cachedInput: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cachedInput: 0.025 },
  'gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cachedInput: 0.075 },
  'o3': { input: 2, output: 8, cachedInput: 0.5 },
  'o4-mini': { input: 1.1, output: 4.4, cachedInput: 0.275 },
});
