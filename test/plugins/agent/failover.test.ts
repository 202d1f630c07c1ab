/** Every row of FAILOVER_POLICY, through real runs over the gateway against the fake provider. */
import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import type { Alert } from '../../../core/hook-types.ts';
import { FAILOVER_POLICY } from '../../../plugins/agent/failover-policy.ts';
import { chat, startAgent, waitFor } from './harness.ts';

const chain = { model: 'fake/primary', fallbacks: ['fake2/backup'] };

describe('failover table', () => {
  it('has exactly the issue\'s rows', () => {
    expect(Object.fromEntries(Object.entries(FAILOVER_POLICY).map(([k, v]) => [k, v.action]))).toMatchInlineSnapshot(`
      {
        "aborted": "stop",
        "auth": "disable-credential-next",
        "bad_request": "next",
        "context_length": "compact-retry",
        "not_configured": "next",
        "overloaded": "retry-once-next",
        "rate_limit": "cooldown-next",
        "timeout": "retry-once-next",
      }
    `);
  });

  it('429: honours Retry-After as the model\'s cooldown and answers from the next model', async () => {
    const h = await startAgent({ agent: chain });
    h.fake.scriptFor('primary', { status: 429, retryAfter: 30 });
    const client = await h.client();
    const before = Date.now();
    const { final } = await chat(client, 'hi');
    expect(final.payload).toMatchObject({ status: 'ok', model: 'fake2/backup', text: 'echo: hi' });
    const status = await client.request('models.status', {});
    const primary = status.payload.models.find((m: any) => m.ref === 'fake/primary');
    expect(primary.state).toBe('cooldown');
    expect(primary.until).toBeGreaterThanOrEqual(before + 29_000);
    expect(primary.until).toBeLessThanOrEqual(Date.now() + 30_000);
    // While cooling down the primary is not even asked.
    await chat(client, 'again');
    expect(h.fake.requests.map((r) => r.model)).toEqual(['primary', 'backup', 'backup']);
    // Resettable.
    const reset = await client.request('models.reset', { ref: 'fake/primary' });
    expect(reset.payload.models[0].state).toBe('ok');
    await chat(client, 'third');
    expect(h.fake.requests.at(-1)!.model).toBe('primary');
  });

  for (const status of [500, 502, 503, 504, 529]) {
    it(`${status}: one jittered retry of the same model, then the next model`, async () => {
      const h = await startAgent({ agent: chain });
      h.fake.scriptFor('primary', { status }, { status });
      const client = await h.client();
      const { final } = await chat(client, 'hi');
      expect(final.payload).toMatchObject({ status: 'ok', model: 'fake2/backup' });
      expect(h.fake.requests.map((r) => r.model)).toEqual(['primary', 'primary', 'backup']);
      const trace = await client.request('runs.trace', { runId: final.payload.runId });
      expect(trace.payload.events.map((e: any) => e.type)).toEqual([
        'run.start', 'model.start', 'model.error', 'retry', 'model.start', 'model.error', 'failover', 'model.start', 'model.end', 'run.end',
      ]);
    });
  }

  it('5xx once: the retry succeeds on the same model', async () => {
    const h = await startAgent({ agent: chain });
    h.fake.scriptFor('primary', { status: 503 });
    const client = await h.client();
    const { final } = await chat(client, 'hi');
    expect(final.payload.model).toBe('fake/primary');
    expect(h.fake.requests.map((r) => r.model)).toEqual(['primary', 'primary']);
  });

  it('per-attempt timeout: a hanging model is retried once, then the next model answers', async () => {
    const h = await startAgent({ agent: { ...chain, attemptTimeout: 150 } });
    h.fake.scriptFor('primary', { hang: true }, { hang: true });
    const client = await h.client();
    const { final } = await chat(client, 'hi');
    expect(final.payload).toMatchObject({ status: 'ok', model: 'fake2/backup' });
    const trace = await client.request('runs.trace', { runId: final.payload.runId });
    expect(trace.payload.events.filter((e: any) => e.type === 'model.error').map((e: any) => e.errorClass)).toEqual(['timeout', 'timeout']);
  });

  it('truncated stream counts as a server failure (retried)', async () => {
    const h = await startAgent({ agent: chain });
    h.fake.scriptFor('primary', { truncate: true, text: 'half an ans' });
    const client = await h.client();
    const { final, deltas } = await chat(client, 'hi');
    expect(final.payload).toMatchObject({ status: 'ok', model: 'fake/primary', text: 'echo: hi' });
    // The second attempt is marked so clients drop the partial text of the first.
    expect(new Set(deltas.map((d) => d.payload.attempt))).toEqual(new Set([1, 2]));
  });

  for (const status of [401, 403]) {
    it(`${status}: disables the provider's credential and uses the next model`, async () => {
      const h = await startAgent({ agent: chain });
      h.fake.scriptFor('primary', { status });
      const client = await h.client();
      const { final } = await chat(client, 'hi');
      expect(final.payload.model).toBe('fake2/backup');
      const status2 = await client.request('models.status', {});
      expect(status2.payload.models[0]).toMatchObject({ ref: 'fake/primary', state: 'disabled' });
      expect(status2.payload.models[0].until).toBeUndefined();
      await client.request('models.reset', {});
      expect((await client.request('models.status', {})).payload.models[0].state).toBe('ok');
    });
  }

  it('context length: compaction and a retry of the same model, never a failover', async () => {
    const h = await startAgent({ agent: { ...chain, keepMessages: 2 } });
    const client = await h.client();
    await chat(client, 'one');
    await chat(client, 'two');
    h.fake.scriptFor('primary', { contextLength: true }, { text: 'SUMMARY: the user said one and two' });
    const { final } = await chat(client, 'three');
    expect(final.payload).toMatchObject({ status: 'ok', model: 'fake/primary', text: 'echo: three' });
    expect(h.fake.requests.every((r) => r.model === 'primary')).toBe(true);
    const last = h.fake.requests.at(-1)!.body.messages;
    expect(last[0].content).toContain('SUMMARY: the user said one and two');
    expect(last.at(-1).content).toBe('three');
    const trace = await client.request('runs.trace', { runId: final.payload.runId });
    expect(trace.payload.events.map((e: any) => e.type)).toContain('compaction');
    expect(trace.payload.events.map((e: any) => e.type)).not.toContain('failover');
  });

  it('client abort: the run stops, no failover', async () => {
    const h = await startAgent({ agent: chain });
    h.fake.scriptFor('primary', { hang: true });
    const client = await h.client();
    const sent = await client.request('chat.send', { message: 'hi' });
    const runId = sent.payload.runId;
    while (h.fake.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect((await client.request('chat.abort', { runId })).payload).toEqual({ aborted: true });
    const final = await waitFor(client, (f) => f.event === 'chat.final' && f.payload.runId === runId);
    expect(final.payload.status).toBe('aborted');
    expect(final.payload.error.code).toBe('ABORTED');
    expect(h.fake.requests.map((r) => r.model)).toEqual(['primary']);
  });

  it('every model failing: one clear error with the earliest retry time, and an alert', async () => {
    const alerts: Alert[] = [];
    const sink = definePlugin({ name: 'test-sink', version: '1.0.0', setup(ctx) { ctx.hooks.alert.tapPromise(ctx.name, async (a) => void alerts.push(a)); } });
    const h = await startAgent({ agent: chain, extra: [sink] });
    h.fake.scriptFor('primary', { status: 429, retryAfter: 120 });
    h.fake.scriptFor('backup', { status: 429, retryAfter: 20 });
    const client = await h.client();
    const before = Date.now();
    const { final } = await chat(client, 'hi');
    expect(final.payload.status).toBe('error');
    expect(final.payload.error.code).toBe('MODELS_UNAVAILABLE');
    expect(final.payload.error.retryAfterMs).toBeGreaterThan(19_000);
    expect(final.payload.error.retryAfterMs).toBeLessThanOrEqual(20_000);
    expect(final.payload.error.message).toMatch(/^every model failed \(fake\/primary, fake2\/backup\); earliest retry at \d{4}-/);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ id: 'agent.models-unavailable', severity: 'critical', source: 'agent', state: 'firing' });
    expect(alerts[0]!.data!['retryAt']).toBeGreaterThanOrEqual(before + 20_000);
    // The next send is refused at once from the cooldowns, without calling any provider.
    const count = h.fake.requests.length;
    const again = await chat(client, 'hi');
    expect(again.final.payload.error.code).toBe('MODELS_UNAVAILABLE');
    expect(h.fake.requests.length).toBe(count);
    // One alert per outage; the first success resolves it.
    expect(alerts).toHaveLength(1);
    await client.request('models.reset', {});
    await chat(client, 'back');
    await new Promise((r) => setTimeout(r, 10));
    expect(alerts.map((a) => a.state)).toEqual(['firing', 'resolved']);
  });

  it('a provider without a key fails the run naming the variable to set; the key never appears', async () => {
    const h = await startAgent({ agent: { model: 'nokey/model' }, providers: { nokey: { api: 'anthropic', baseURL: 'http://127.0.0.1:9' } } });
    const client = await h.client();
    const { final } = await chat(client, 'hi');
    expect(final.payload.error.message).toContain('no API key for provider "nokey": set the NOKEY_API_KEY environment variable or providers.nokey.apiKey');
  });

  it('never echoes the API key a provider quotes back (canary)', async () => {
    const canary = 'sk-canary-7f3a9c2e5b1d';
    const h = await startAgent({ agent: { model: 'leaky/m' }, providers: (fake) => ({ leaky: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: canary } }) });
    h.fake.scriptFor('m', { status: 401, message: `Incorrect API key provided: ${canary}` });
    const client = await h.client();
    const { final } = await chat(client, 'hi');
    expect(h.fake.requests[0]!.key).toBe(canary);
    expect(final.payload.error.code).toBe('MODELS_UNAVAILABLE');
    expect(final.payload.error.message).toContain('Incorrect API key provided: [redacted]');
    const trace = await client.request('runs.trace', { runId: final.payload.runId });
    const status = await client.request('models.status', {});
    expect(JSON.stringify([client.frames, trace, status])).not.toContain(canary);
    expect(JSON.stringify(h.kernel.logs)).not.toContain(canary);
  });
});
