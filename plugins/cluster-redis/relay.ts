/**
 * The `channel-relay` service: how an instance that does not own a channel still sends through
 * it (a cron delivery, a `channels.send` on instance B for the Telegram bot A polls). The sender
 * pushes the message on the channel's Redis list `<prefix>:outbox:<channel>`; the owner pops it
 * (BLPOP on a connection of its own) and sends it through its runtime, hooks and queue included.
 * The list outlives an owner: a message waiting there when the owner dies is sent by the next one.
 * A message the owner popped and then died before handing to the platform is lost (at-most-once
 * from the pop; logged as undelivered when the send fails).
 */
import type { Logger } from '../../sdk/core/index.ts';
import type { ChannelRelay, RelayedSend } from '../../sdk/channels/index.ts';
import type { RedisClient } from '../../sdk/redis/index.ts';

const POP_TIMEOUT_S = 1;

export function createChannelRelay(client: RedisClient, keyPrefix: string, log: Logger): ChannelRelay & { counters: { forwarded: number; relayed: number } } {
  const counters = { forwarded: 0, relayed: 0 };
  const keyOf = (channel: string) => `${keyPrefix}:outbox:${channel}`;
  return {
    counters,
    async forward(channel, message) {
      await client.rPush(keyOf(channel), JSON.stringify(message));
      counters.forwarded++;
    },
    serve(channel, send) {
      // BLPOP blocks its connection: one of its own per served channel.
      const popper = client.duplicate();
      popper.on('error', () => undefined);
      let stopped = false;
      const loop = (async () => {
        await popper.connect();
        while (!stopped) {
          let popped: { key: string; element: string } | null;
          try {
            popped = await popper.blPop(keyOf(channel), POP_TIMEOUT_S);
          } catch (error) {
            if (stopped) return;
            log.warn({ channel, err: error }, 'channel relay: BLPOP failed; retrying');
            await new Promise((resolve) => setTimeout(resolve, 500));
            continue;
          }
          if (popped === null) continue;
          counters.relayed++;
          try {
            await send(JSON.parse(popped.element) as RelayedSend);
          } catch (error) {
            log.warn({ channel, err: error }, 'channel relay: a forwarded message was not delivered');
          }
        }
      })().catch((error: unknown) => log.error({ channel, err: error }, 'channel relay stopped'));
      return async () => {
        stopped = true;
        await loop;
        popper.destroy();
      };
    },
  };
}
