/**
 * Cron test kit: a real kernel (session store, OpenAI provider pointed at the fake provider,
 * agent, cron) plus the "test channel": a small plugin providing a `channels` service
 * test double that records what it is asked to send. Fake timers fake only setTimeout and
 * Date, so real I/O (the provider's HTTP, state files) goes on while the clock is ours.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cronServiceRef } from '../../../plugins/cron/index.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, onTestFinished, vi } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import type { PluginEntry } from '../../../core/resolve-plugin.ts';
import { createTestKernel, type TestKernel } from '../../../app/testing.ts';
import type { ChannelTarget, ChannelsService } from '../../../sdk/channels/contract.ts';
import type { CronService } from '../../../plugins/cron/index.ts';
import { startFakeProvider, type FakeProvider } from '../../helpers/fake-provider.ts';

export interface Sent {
  channel: string;
  target: ChannelTarget;
  text: string;
}

export interface TestChannel {
  sent: Sent[];
  /** While set, send() waits for it (a slow delivery keeps the run going). */
  gate?: Promise<void>;
  fail?: Error;
  /** send() calls begun (a gated one included). */
  attempts?: number;
}

export function testChannelPlugin(channel: TestChannel) {
  return definePlugin({
    name: 'test-channel',
    version: '1.0.0',
    setup(ctx) {
      const service: Partial<ChannelsService> = {
        async send(id, target, text) {
          channel.attempts = (channel.attempts ?? 0) + 1;
          if (channel.gate) await channel.gate;
          if (channel.fail) throw channel.fail;
          channel.sent.push({ channel: id, target, text });
        },
      };
      ctx.provide('channels', service as ChannelsService);
    },
  });
}

/** A state dir that outlives one kernel (restart tests), removed after the test. */
export function sharedStateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'moltbot-cron-state-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface CronHarness {
  kernel: TestKernel;
  cron: CronService;
  fake: FakeProvider;
  channel: TestChannel;
  /** Moves the fake clock forward, then waits for the runs it started (real I/O) to end. */
  advance(ms: number): Promise<void>;
  /** User messages the model received, in order. */
  prompts(): string[];
}

export interface CronHarnessOptions {
  cron?: Record<string, unknown>;
  options?: Record<string, unknown>;
  stateDir?: string;
  fake?: FakeProvider;
  channel?: TestChannel;
  extra?: PluginEntry[];
  config?: Record<string, unknown>;
  /** false: no channels service at all. */
  withChannel?: boolean;
}

export function useFakeClock(now: string | number): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: new Date(now) });
  onTestFinished(() => {
    vi.useRealTimers();
  });
}

export async function startCron(options: CronHarnessOptions = {}): Promise<CronHarness> {
  const fake = options.fake ?? await startFakeProvider();
  if (options.fake === undefined) onTestFinished(() => fake.close());
  const channel = options.channel ?? { sent: [] };
  const kernel = await createTestKernel({
    config: {
      agent: { model: 'fake/primary', retryDelay: 5 },
      providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-openai-key' } },
      ...options.config,
      ...(options.cron !== undefined ? { cron: options.cron } : {}),
      plugins: ['session-store-file', 'provider-openai', 'agent', ...(options.withChannel === false ? [] : [testChannelPlugin(channel)]), ['cron', options.options ?? {}], ...(options.extra ?? [])],
    },
    ...(options.stateDir !== undefined ? { env: { MOLTBOT_STATE_DIR: options.stateDir } } : {}),
  });
  const cron = kernel.use(cronServiceRef);
  await cron.settled();
  return {
    kernel, cron, fake, channel,
    async advance(ms) {
      await vi.advanceTimersByTimeAsync(ms);
      await cron.settled();
    },
    prompts: () => fake.requests.map((r) => {
      const messages = r.body.messages as { role: string; content: unknown }[];
      const last = [...messages].reverse().find((m) => m.role === 'user');
      return typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content);
    }),
  };
}

/** Polls on the real clock (node:timers/promises is not faked), up to about 5 s. */
export async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await sleep(5);
  expect(condition()).toBe(true);
}
