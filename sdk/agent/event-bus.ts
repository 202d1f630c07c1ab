/**
 * The `event-bus` service: cross-instance fan-out of small messages (the agent publishes its
 * runs' events on it so a session subscriber on another gateway instance gets them). Provided
 * by e.g. `events-redis`; without one, events stay on the instance that produced them.
 */
import { createServiceRef } from '../core/index.ts';

/** At-most-once delivery, ordered per publisher. */
export interface EventBus {
  publish(topic: string, message: unknown): void;
  /** Returns a function that removes the handler. */
  subscribe(topic: string, handler: (message: unknown) => void): () => void;
}

export const eventBusRef = createServiceRef<EventBus>({
  id: 'event-bus',
  description: 'Cross-instance event fan-out (at-most-once, ordered per publisher)',
});
