/**
 * Frames sent in one turn of the event loop leave the gateway in one TCP write (connection.ts
 * corks the socket for the turn): observed on the server's real socket, whose writes are
 * counted, with a real WebSocket client reading every frame whole and in order.
 */
import { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import { defineMethod, gatewayServiceRef } from '../../../sdk/gateway/index.ts';
import { connectClient, startGateway } from './helpers.ts';

const burst = definePlugin({
  name: 'test-burst',
  version: '1.0.0',
  setup(ctx) {
    defineMethod(ctx, {
      name: 'burst.send',
      scope: 'read',
      handler: async (params, rpc) => {
        const gateway = ctx.use(gatewayServiceRef);
        const { count, apart } = params as { count: number; apart: boolean };
        for (let i = 0; i < count; i++) {
          if (apart) await new Promise((resolve) => setImmediate(resolve));
          gateway.sendTo(rpc.connection!.id, 'burst', { i });
        }
        return { sent: count };
      },
    });
  },
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The server side's writes (its local port is the gateway's) that carry a `burst` frame. */
function countBurstWrites(port: number): { writes: number } {
  const seen = { writes: 0 };
  const carriesBurst = (data: unknown) => Buffer.isBuffer(data) ? data.includes('"event":"burst"') : typeof data === 'string' && data.includes('"event":"burst"');
  const writev = Socket.prototype._writev!;
  const write = Socket.prototype._write;
  vi.spyOn(Socket.prototype, '_writev').mockImplementation(function (this: Socket, chunks, callback) {
    if (this.localPort === port && chunks.some((chunk) => carriesBurst(chunk.chunk))) seen.writes++;
    return writev.call(this, chunks, callback);
  });
  vi.spyOn(Socket.prototype, '_write').mockImplementation(function (this: Socket, chunk, encoding, callback) {
    if (this.localPort === port && carriesBurst(chunk)) seen.writes++;
    return write.call(this, chunk, encoding, callback);
  });
  return seen;
}

describe('frames of one event-loop turn share a write', () => {
  it('three events sent in one turn: one write; the client reads all three whole and in order', async () => {
    const { url, port } = await startGateway({ extra: [burst] });
    const client = await connectClient(url);
    const seen = countBurstWrites(port);
    expect((await client.request('burst.send', { count: 3, apart: false })).payload).toEqual({ sent: 3 });
    await vi.waitFor(() => expect(client.frames.filter((f) => f.event === 'burst')).toHaveLength(3));
    expect(client.frames.filter((f) => f.event === 'burst').map((f) => f.payload.i)).toEqual([0, 1, 2]);
    expect(seen.writes).toBe(1);
  });

  it('events sent in different turns are not held back: one write each', async () => {
    const { url, port } = await startGateway({ extra: [burst] });
    const client = await connectClient(url);
    const seen = countBurstWrites(port);
    await client.request('burst.send', { count: 3, apart: true });
    await vi.waitFor(() => expect(client.frames.filter((f) => f.event === 'burst')).toHaveLength(3));
    expect(seen.writes).toBe(3);
  });
});
