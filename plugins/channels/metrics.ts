/** `collectMetrics`: per channel inbound accepted / dropped by reason / pairing / media refused, outbound, queue, state. */
import type { MetricsCollector } from '../../sdk/core/index.ts';
import type { ChannelState } from '../../sdk/channels/index.ts';
import type { ChannelRuntime } from './runtime.ts';

const STATES: readonly ChannelState[] = ['connecting', 'connected', 'degraded', 'stopped'];

export function collectChannelMetrics(runtimes: readonly ChannelRuntime[], collector: MetricsCollector): void {
  for (const runtime of runtimes) {
    const channel = runtime.id;
    const { queue, inbound } = runtime;
    collector.set('inbound_accepted', inbound.accepted, { channel });
    collector.set('inbound_pairing', inbound.pairing, { channel });
    collector.set('pairing_expired_for_new', inbound.pairingExpired, { channel });
    collector.set('message_ids_claimed_locally', inbound.claimedLocally, { channel });
    collector.set('inbound_media_refused', inbound.mediaRefused, { channel });
    for (const [reason, count] of inbound.dropped) collector.set('inbound_dropped', count, { channel, reason });
    collector.set('outbound_sent', queue.counters.sent, { channel });
    collector.set('outbound_failed', queue.counters.failed, { channel });
    collector.set('outbound_retried', queue.counters.retried, { channel });
    collector.set('outbound_rejected', queue.counters.dropped, { channel });
    collector.set('queue_depth', queue.pending, { channel });
    collector.set('queue_max', queue.max, { channel });
    for (const state of STATES) collector.set('state', runtime.state === state ? 1 : 0, { channel, state });
  }
}
