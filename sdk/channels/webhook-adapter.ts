/**
 * The lifecycle every webhook-driven adapter shares: messages arrive on a gateway route, so
 * the channel is `connected` once the gateway listens (checked at start and when the kernel is
 * ready), `stopped` after stop; the running host is kept for the route handler, and delivery
 * health is attached to it.
 */
import type { ChannelAdapter, ChannelHost } from './contract.ts';
import type { DeliveryHealth } from './delivery-health.ts';

export interface WebhookAdapter extends ChannelAdapter {
  /** The running host, undefined while stopped (the route answers 503 then). */
  readonly host: ChannelHost | undefined;
  /** Called when the kernel is ready: connected once the gateway listens. */
  listening(): void;
}

export type WebhookAdapterParts = Omit<WebhookAdapter, 'host' | 'listening' | 'start' | 'stop'>;

export function webhookAdapter(parts: WebhookAdapterParts, deps: { health: DeliveryHealth; isListening(): boolean }): WebhookAdapter {
  let host: ChannelHost | undefined;
  return {
    ...parts,
    get host() {
      return host;
    },
    async start(next) {
      host = next;
      deps.health.attach(next);
      next.setState(deps.isListening() ? 'connected' : 'connecting');
    },
    async stop() {
      host?.setState('stopped');
      host = undefined;
      deps.health.attach(undefined);
    },
    listening() {
      if (deps.isListening()) host?.setState('connected');
    },
  };
}
