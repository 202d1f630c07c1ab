import { describe, expect, it } from 'vitest';
import { createHooks, describeHooks, HOOK_DOCS } from '../../core/hooks.ts';

describe('hook catalogue', () => {
  it('is frozen and fully documented', () => {
    const hooks = createHooks();
    expect(Object.isFrozen(hooks)).toBe(true);
    expect(Object.keys(hooks).sort()).toEqual(Object.keys(HOOK_DOCS).sort());
    for (const doc of Object.values(HOOK_DOCS)) {
      expect(doc.when.length).toBeGreaterThan(10);
      expect(doc.returns.length).toBeGreaterThan(5);
    }
  });

  it('matches the documented catalogue (names, classes, arguments)', () => {
    expect(describeHooks().map((h) => `${h.area} ${h.name}: ${h.class}(${h.args.join(', ')})`)).toMatchInlineSnapshot(`
      [
        "lifecycle configResolved: SyncWaterfallHook(config)",
        "lifecycle init: SyncHook()",
        "lifecycle start: AsyncSeriesHook()",
        "lifecycle ready: SyncHook()",
        "lifecycle beforeClose: AsyncParallelHook()",
        "lifecycle close: AsyncSeriesHook()",
        "gateway authenticate: AsyncSeriesBailHook(request)",
        "gateway connection: AsyncSeriesHook(connection)",
        "gateway rpc: HookMap<AsyncSeriesBailHook>(params, context)",
        "gateway httpRoute: SyncHook(router)",
        "messages messageReceived: AsyncSeriesBailHook(message)",
        "messages beforeAgentRun: AsyncSeriesWaterfallHook(run)",
        "messages modelRequest: AsyncSeriesWaterfallHook(request)",
        "messages modelResponse: AsyncSeriesHook(response, request)",
        "messages beforeToolCall: AsyncSeriesBailHook(call)",
        "messages afterToolCall: AsyncSeriesWaterfallHook(result, call)",
        "messages messageSending: AsyncSeriesWaterfallHook(message)",
        "messages messageSent: AsyncParallelHook(message)",
        "ops collectMetrics: AsyncParallelHook(collector)",
        "ops alert: AsyncParallelHook(alert)",
        "ops diagnose: AsyncParallelHook(report)",
        "ops audit: AsyncParallelHook(report)",
        "ops backupSources: SyncWaterfallHook(sources)",
        "ops cliCommands: SyncHook(program, cli)",
      ]
    `);
  });
});
