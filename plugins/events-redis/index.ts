/**
 * `events-redis`: the `event-bus` service over Redis pub/sub, so a run on one gateway instance
 * streams to clients watching its session on every other instance. At-most-once (pub/sub keeps
 * nothing for an instance that is down: a client reconnecting reads the history), ordered per
 * publishing instance (one publisher connection). The URL comes from the `url` option, else the
 * root `redis.url`. See README.md beside this file.
 */
import schema from '../../schemas/plugins/events-redis.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/events-redis.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { eventBusRef, type EventBus } from '../../sdk/agent/index.ts';
import { diagnoseRedis, gatewayReporter, type RedisConnection, type RedisHealth, redisServiceRef, redisSettings, watchRedisHealth } from '../../sdk/redis/index.ts';

const IMPACT = 'runs still work, but their events reach only clients of this instance until it answers';

export interface EventsRedisOptions {
  url?: string;
  keyPrefix?: string;
  connectTimeoutMs: number;
}

export default definePlugin<EventsRedisOptions>({
  name: 'events-redis',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Cross-instance event fan-out over Redis pub/sub (the event-bus service)',
  sections: ['redis'],
  schema,
  validate: validateOptions,
  defaults: { connectTimeoutMs: 5000 },
  consumes: [redisServiceRef],
  provides: [eventBusRef],
  setup(ctx, options) {
    const { url, keyPrefix } = redisSettings(options, ctx.config);
    const prefix = keyPrefix;
    const channel = (topic: string) => `${prefix}:events:${topic}`;
    const handlers = new Map<string, Set<(message: unknown) => void>>();
    const counts = { published: 0, received: 0, errors: 0 };
    let publisher: RedisConnection | undefined;
    let subscriber: RedisConnection | undefined;
    let health: RedisHealth[] = [];
    const reporter = gatewayReporter(ctx);

    const onMessage = (raw: string, from: string) => {
      counts.received++;
      let message: unknown;
      try {
        message = JSON.parse(raw);
      } catch {
        counts.errors++;
        return;
      }
      const topic = from.slice(prefix.length + ':events:'.length);
      for (const handler of handlers.get(topic) ?? []) {
        try {
          handler(message);
        } catch (error) {
          ctx.log.warn({ err: error, topic }, 'an event-bus handler failed');
        }
      }
    };
    // Topics whose SUBSCRIBE succeeded: the client renews those itself after a reconnect; the
    // others are retried on the next 'ready' (subscribing twice would deliver twice).
    const listening = new Set<string>();
    const listen = async (topic: string) => {
      if (subscriber === undefined || listening.has(topic)) return;
      listening.add(topic);
      await subscriber.client.subscribe(channel(topic), onMessage).catch((error: unknown) => {
        listening.delete(topic);
        counts.errors++;
        ctx.log.warn({ topic, error: subscriber?.redact(String(error)) }, 'event bus: subscribe failed; retried when Redis is back');
      });
    };

    const bus: EventBus = {
      publish(topic, message) {
        if (!publisher?.client.isReady) {
          counts.errors++;
          return;
        }
        counts.published++;
        publisher.client.publish(channel(topic), JSON.stringify(message)).catch(() => {
          counts.errors++;
        });
      },
      subscribe(topic, handler) {
        let set = handlers.get(topic);
        if (set === undefined) {
          handlers.set(topic, (set = new Set()));
          void listen(topic);
        }
        set.add(handler);
        return () => set.delete(handler);
      },
    };
    ctx.provide(eventBusRef, bus);

    ctx.hooks.start.tapPromise(ctx.name, async () => {
      const redis = ctx.use(redisServiceRef);
      // Publishing shares the kernel's connection; pub/sub needs a connection of its own (a
      // subscribed connection takes no other command).
      const [pub, sub] = await Promise.all([
        redis.connect({ url, user: ctx.name, connectTimeoutMs: options.connectTimeoutMs }),
        redis.connect({ url, user: `${ctx.name}:subscriber`, connectTimeoutMs: options.connectTimeoutMs, dedicated: true }),
      ]);
      [publisher, subscriber] = [pub!, sub!];
      // Not critical: without the bus events stay on this instance. Each connection is its own component.
      health = [
        watchRedisHealth(pub!, { component: ctx.name, critical: false, impact: IMPACT, log: ctx.log, reporter }),
        watchRedisHealth(sub!, { component: `${ctx.name}:subscriber`, critical: false, impact: IMPACT, log: ctx.log, reporter }),
      ];
      sub!.client.on('ready', () => void Promise.all([...handlers.keys()].map(listen)));
      await Promise.all([...handlers.keys()].map(listen));
    });
    ctx.hooks.collectMetrics.tapPromise(ctx.name, async (collector) => {
      collector.set('published', counts.published);
      collector.set('received', counts.received);
      collector.set('errors', counts.errors);
      collector.set('connected', publisher?.client.isReady && subscriber?.client.isReady ? 1 : 0);
    });
    ctx.hooks.diagnose.tapPromise(ctx.name, async (report) => {
      if (health.length === 0) return diagnoseRedis(report, undefined, { url, connectTimeoutMs: options.connectTimeoutMs, component: ctx.name, critical: false, impact: IMPACT });
      for (const h of health) h.diagnose(report);
    });
    ctx.onClose(async () => {
      for (const h of health) h.stop();
      await Promise.all([subscriber?.close(), publisher?.close()]);
    });
  },
});
