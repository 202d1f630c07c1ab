/** Ownership by ref: one process owns everything; a cluster plugin's service takes over when present. */
import { describe, expect, it } from 'vitest';
import { localOwnership, ownershipServiceRef, useOwnership, type OwnershipService } from 'moltbot/plugin-sdk/cluster';
import { definePlugin, optionalService } from 'moltbot/plugin-sdk/core';
import { createTestKernel } from '../../../app/testing.ts';

/** A plugin of another package that must run its poller on one instance only. */
function poller() {
  const events: string[] = [];
  const plugin = definePlugin({
    name: 'feed-poller',
    version: '1.0.0',
    consumes: [optionalService(ownershipServiceRef)],
    setup(ctx) {
      ctx.hooks.start.tapPromise(ctx.name, async () => {
        const ownership = useOwnership(ctx);
        events.push(`instance ${ownership.instance}`);
        const hold = await ownership.hold('feed-poller', {
          onAcquire: async () => void events.push('acquired'),
          onLose: async () => void events.push('lost'),
        });
        ctx.onClose(() => hold.release());
      });
    },
  });
  return { plugin, events };
}

describe('ownership through moltbot/plugin-sdk/cluster', () => {
  it('without a cluster plugin this process owns the resource at once, and gives it up on close', async () => {
    const { plugin, events } = poller();
    const kernel = await createTestKernel({ config: {}, plugins: [plugin] });
    expect(events).toEqual(['instance local', 'acquired']);
    await kernel.close();
    expect(events).toEqual(['instance local', 'acquired', 'lost']);
  });

  it('a cluster plugin providing ownershipServiceRef is set up first and decides', async () => {
    const held: string[] = [];
    const local = localOwnership();
    const cluster = definePlugin({
      name: 'my-cluster',
      version: '1.0.0',
      provides: [ownershipServiceRef],
      setup(ctx) {
        ctx.provide(ownershipServiceRef, {
          instance: 'node-a',
          clustered: true,
          hold: async (resource, handlers) => {
            held.push(resource);
            return local.hold(resource, handlers);
          },
          status: () => local.status(),
        } satisfies OwnershipService);
      },
    });
    const { plugin, events } = poller();
    // The consumer is registered first: `consumes` orders it after the provider anyway.
    await createTestKernel({ config: {}, plugins: [plugin, cluster] });
    expect(events).toEqual(['instance node-a', 'acquired']);
    expect(held).toEqual(['feed-poller']);
  });
});
