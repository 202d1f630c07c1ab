/**
 * The `rate-limit` service with its shared parts in Redis: failed-auth lockouts and credential
 * request buckets are counted once for the whole cluster, so N instances do not give an
 * attacker N budgets. Per-connection buckets stay in memory (a connection lives on one
 * instance) and answer synchronously, as before. When Redis does not answer within
 * `opTimeoutMs` the decision falls back to this instance's in-memory limiter — per-instance
 * protection instead of none, and never a lockout of everyone — and the fallback is counted.
 */
import { randomBytes } from 'node:crypto';
import { ALLOWED, createMemoryRateLimit, REMOTE_AUTH_KEY, type AuthDecision, type AuthLimits, type RateLimitService, type RequestDecision } from '../../sdk/rate-limit/index.ts';
import { type RedisClient, redisScript, type RedisScript } from '../../sdk/redis/index.ts';
import { AUTH_SCRIPT, BUCKET_SCRIPT } from './scripts.ts';

export interface RedisLimiterOptions {
  /** Undefined until the connection opened (start): decisions use the in-memory limiter meanwhile. */
  client(): RedisClient | undefined;
  keyPrefix: string;
  opTimeoutMs: number;
  auth: AuthLimits;
  requests: { enabled: boolean; requestsPerMinute: number; burstSize: number };
  maxKeys: number;
  onFallback(error: unknown): void;
}

export interface RedisLimiter extends RateLimitService {
  prune(): void;
  readonly stats: { redisDecisions: number; fallbacks: number };
}

/** Connection buckets (`c:<id>`) are per instance by nature. */
const isLocalKey = (key: string) => key.startsWith('c:');

export function createRedisLimiter(options: RedisLimiterOptions): RedisLimiter {
  const local = createMemoryRateLimit({ auth: options.auth, requests: options.requests, maxKeys: options.maxKeys });
  let scripts: { auth: RedisScript; bucket: RedisScript; client: RedisClient } | undefined;
  const redis = () => {
    const client = options.client();
    if (client === undefined || !client.isReady) throw new Error('not connected to Redis');
    if (scripts?.client !== client) scripts = { client, auth: redisScript(client, AUTH_SCRIPT), bucket: redisScript(client, BUCKET_SCRIPT) };
    return scripts;
  };
  const stats = { redisDecisions: 0, fallbacks: 0 };
  const key = (kind: string, name: string) => `${options.keyPrefix}:rl:${kind}:${name}`;
  const authKeys = (keys: readonly string[]) => keys.flatMap((name) => [key('lock', name), key('fail', name)]);
  const { maxAttempts, windowMs, lockoutMs } = options.auth;
  const { remoteChecksPerMinute } = options.auth;
  /** One token bucket in Redis: the remote password-check budget, shared by every instance. */
  const takeBucket = async (name: string, perMinute: number, burst: number): Promise<RequestDecision> => {
    const [allowed, retryAfterMs] = (await redis().bucket.run([key('bucket', name)], [String(perMinute / 60_000), String(burst)])) as number[];
    return allowed === 1 ? ALLOWED : { allowed: false, retryAfterMs: retryAfterMs ?? 1 };
  };

  /** Redis's answer, or the local limiter's when Redis fails or is slower than opTimeoutMs. */
  async function shared<T>(remote: () => Promise<T>, fallback: () => T | Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        remote(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`Redis did not answer within ${options.opTimeoutMs} ms`)), options.opTimeoutMs);
        }),
      ]);
      stats.redisDecisions++;
      return answer;
    } catch (error) {
      stats.fallbacks++;
      options.onFallback(error);
      return fallback();
    } finally {
      clearTimeout(timer);
    }
  }

  const authDecision = (reply: unknown): AuthDecision => {
    const [allowed, retryAfterMs, remaining] = reply as number[];
    return { allowed: allowed === 1, retryAfterMs: retryAfterMs ?? 0, remaining: remaining ?? 0 };
  };
  const runAuth = (mode: 'check' | 'fail', keys: readonly string[]) =>
    redis().auth.run(authKeys(keys), [mode, String(maxAttempts), String(windowMs), String(lockoutMs), randomBytes(6).toString('hex')]).then(authDecision);

  return {
    checkAuth: (keys) => shared(() => runAuth('check', keys), () => local.checkAuth(keys)),
    recordAuthFailure: (keys) => shared(() => runAuth('fail', keys), () => local.recordAuthFailure(keys)),
    recordAuthSuccess: async (keys) => {
      await local.recordAuthSuccess(keys);
      await shared(async () => {
        await redis().client.del(keys.map((name) => key('fail', name)));
      }, () => undefined);
    },
    rememberSource: (name, ttlMs) => shared(async () => {
      await redis().client.set(key('known', name), '1', { expiration: { type: 'PX', value: Math.max(1, Math.round(ttlMs)) } });
    }, () => undefined),
    isKnownSource: (name) => shared(async () => (await redis().client.exists(key('known', name))) === 1, () => false),
    takeRemoteAuthCheck: () => shared(() => takeBucket(REMOTE_AUTH_KEY, remoteChecksPerMinute, remoteChecksPerMinute), () => local.takeRemoteAuthCheck()),
    takeRequest(name): RequestDecision | Promise<RequestDecision> {
      if (!options.requests.enabled) return ALLOWED;
      if (isLocalKey(name)) return local.takeRequest(name);
      return shared(() => takeBucket(name, options.requests.requestsPerMinute, options.requests.burstSize), () => local.takeRequest(name));
    },
    forget: (name) => local.forget(name),
    requestLimits: local.requestLimits,
    size: () => local.size(),
    prune: () => local.prune(),
    stats,
  };
}
