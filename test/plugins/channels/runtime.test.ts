/** ChannelRuntime alone (no kernel): the typing indicator is refreshed while a run lasts, then stops. */
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHooks } from '../../../core/hooks.ts';
import { createLogger } from '../../../core/log.ts';
import type { AgentService, RunRequest, RunResult } from '../../../sdk/agent/index.ts';
import { PairingStore } from '../../../plugins/channels/pairing-store.ts';
import type { SeenStore } from '../../../sdk/channels/index.ts';
import { FileSeenStore } from '../../../plugins/channels/seen-store.ts';
import { ChannelRuntime, TYPING_REFRESH_MS } from '../../../plugins/channels/runtime.ts';
import { RunMedia } from '../../../plugins/channels/run-media.ts';
import { resolveChannelSettings } from '../../../sdk/channels/settings.ts';
import { resolveMediaSettings } from '../../../plugins/channels/media-settings.ts';
import { createFakeChannel } from '../../helpers/fake-channel.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

/** A runtime for the fake channel: open DMs, the given agent and message-id memory. */
function openRuntime(channel: ReturnType<typeof createFakeChannel>, agent: AgentService, signal: AbortSignal, seen: SeenStore): ChannelRuntime {
  return new ChannelRuntime({
    adapter: channel.adapter,
    settings: resolveChannelSettings({ channels: { fake: { dmPolicy: 'open', allowFrom: ['*'] } } }, 'fake'),
    hooks: createHooks(),
    log: createLogger({ level: 'silent' }),
    store: new PairingStore(useTempDir().dir),
    seen,
    agent: () => agent,
    emit: () => undefined,
    track: (work) => work,
    signal,
    scrub: (text) => text,
    media: resolveMediaSettings(undefined),
    stateDir: useTempDir().dir,
    runMedia: new RunMedia(),
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('channel runtime', () => {
  it('typing every few seconds while the agent runs, none after the reply', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const channel = createFakeChannel();
    let finish: (text: string) => void = () => undefined;
    const runs: RunRequest[] = [];
    const agent = {
      run: (request: RunRequest) => {
        runs.push(request);
        return new Promise<RunResult>((resolve) => { finish = (text) => resolve({ text } as RunResult); });
      },
    } as unknown as AgentService;
    const abort = new AbortController();
    const runtime = openRuntime(channel, agent, abort.signal, new FileSeenStore(join(useTempDir().dir, 'seen.jsonl')));
    await runtime.start();
    expect(await runtime.receive({ sender: 'u', chatType: 'dm', chatId: 'u', text: 'think hard' })).toEqual({ status: 'accepted', sessionKey: 'agent:main:fake:dm:u' });
    expect(runs[0]).toMatchObject({ sessionKey: 'agent:main:fake:dm:u', message: 'think hard' });
    expect(channel.typing).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(TYPING_REFRESH_MS * 3);
    expect(channel.typing).toHaveLength(4);
    finish('done thinking');
    await channel.waitForSent(1);
    await vi.advanceTimersByTimeAsync(TYPING_REFRESH_MS * 3);
    expect(channel.typing).toHaveLength(4);
    expect(channel.sent[0]!.text).toBe('done thinking');
    await runtime.stop();
    expect(runtime.state).toBe('stopped');
    abort.abort();
  });

  it('a message id memory that cannot answer (Redis down) loses nothing: the message runs, a redelivery during or after the outage runs once', async () => {
    const channel = createFakeChannel();
    const runs: RunRequest[] = [];
    const agent = { run: async (request: RunRequest) => { runs.push(request); return { text: 'ok' } as RunResult; } } as unknown as AgentService;
    const abort = new AbortController();
    let up = false;
    const shared = new FileSeenStore(join(useTempDir().dir, 'seen.jsonl'));
    const down: SeenStore = { claim: async (key, ttl) => { if (!up) throw new Error('The client is offline'); return shared.claim(key, ttl); }, forget: async () => undefined };
    const runtime = openRuntime(channel, agent, abort.signal, down);
    await runtime.start();
    const message = { sender: 'u', chatType: 'dm' as const, chatId: 'u', text: 'hello', messageId: 'm-1' };
    expect(await runtime.receive(message)).toMatchObject({ status: 'accepted' });
    expect(await runtime.receive(message)).toEqual({ status: 'duplicate' });
    await channel.waitForSent(1);
    expect(runs).toHaveLength(1);
    expect(runtime.inbound.claimedLocally).toBe(2);
    // The memory is back: a late redelivery of the same message still runs once.
    up = true;
    expect(await runtime.receive(message)).toEqual({ status: 'duplicate' });
    expect(runs).toHaveLength(1);
    await runtime.stop();
    abort.abort();
  });
});
