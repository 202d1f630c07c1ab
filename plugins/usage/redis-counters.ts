/**
 * Budget counters shared by every gateway instance through Redis: one hash per counter
 * (`<prefix>:usage:budget:<id>`, fields tokens and usd) changed by one Lua script per call, so
 * two instances adding at once both count, with an expiry past the end of its period. Local
 * counters are kept as well: while Redis fails, this instance enforces its own share (logged).
 */
import type { Logger } from '../../sdk/core/index.ts';
import { redisScript, type RedisClient, type RedisScript } from '../../sdk/redis/index.ts';
import { MemoryCounters, roundUsd, type BudgetCounters, type CounterKey, type Spend } from './budget-counters.ts';
import { PERIOD_TTL_SECONDS } from './periods.ts';

/** KEYS: counters. ARGV: tokens, usd, then one TTL in seconds per key (0: none). Returns tokens, usd per key. */
const ADD = `
local out = {}
for i, key in ipairs(KEYS) do
  local tokens = redis.call('HINCRBY', key, 'tokens', ARGV[1])
  local usd = redis.call('HINCRBYFLOAT', key, 'usd', ARGV[2])
  local ttl = tonumber(ARGV[2 + i])
  if ttl > 0 and redis.call('TTL', key) < 0 then redis.call('EXPIRE', key, ttl) end
  out[#out + 1] = tostring(tokens)
  out[#out + 1] = tostring(usd)
end
return out`;

/**
 * Seeds counters Redis does not have (lost with a Redis restart without persistence) from this
 * instance's ledger; an existing counter is never overwritten (it counts every instance).
 * KEYS: counters. ARGV: tokens, usd, ttl per key (triples).
 */
const SEED = `
for i, key in ipairs(KEYS) do
  local base = (i - 1) * 3
  if redis.call('EXISTS', key) == 0 then
    redis.call('HSET', key, 'tokens', ARGV[base + 1], 'usd', ARGV[base + 2])
    local ttl = tonumber(ARGV[base + 3])
    if ttl > 0 then redis.call('EXPIRE', key, ttl) end
  end
end
return #KEYS`;

const WARN_INTERVAL_MS = 60_000;

export class RedisCounters implements BudgetCounters {
  readonly #local: MemoryCounters;
  readonly #client: () => RedisClient | undefined;
  readonly #prefix: string;
  readonly #log: Logger;
  #add: RedisScript | undefined;
  #seed: RedisScript | undefined;
  #scriptsOf: RedisClient | undefined;
  #warned = 0;

  constructor(local: MemoryCounters, client: () => RedisClient | undefined, keyPrefix: string, log: Logger) {
    this.#local = local;
    this.#client = client;
    this.#prefix = `${keyPrefix}:usage:budget:`;
    this.#log = log;
  }

  async read(keys: readonly CounterKey[]): Promise<Spend[]> {
    const local = this.#local.readNow(keys);
    const client = this.#client();
    if (client === undefined || keys.length === 0) return local;
    try {
      const shared = await Promise.all(keys.map((key) => client.hmGet(this.#prefix + key.id, ['tokens', 'usd'])));
      // Never below what this instance counted itself (a Redis that lost its data).
      return shared.map(([tokens, usd], i) => ({
        tokens: Math.max(Number(tokens ?? 0), local[i]!.tokens),
        usd: Math.max(roundUsd(Number(usd ?? 0)), local[i]!.usd),
      }));
    } catch (error) {
      this.#warn(error);
      return local;
    }
  }

  async add(keys: readonly CounterKey[], spend: Spend): Promise<Spend[]> {
    const local = this.#local.addNow(keys, spend);
    const scripts = this.#scripts();
    if (scripts === undefined || keys.length === 0) return local;
    try {
      const ttls = keys.map((key) => String(PERIOD_TTL_SECONDS[key.period] ?? 0));
      const out = (await scripts.add.run(keys.map((key) => this.#prefix + key.id), [String(spend.tokens), String(spend.usd), ...ttls])) as string[];
      return keys.map((_, i) => ({ tokens: Number(out[i * 2]), usd: roundUsd(Number(out[i * 2 + 1])) }));
    } catch (error) {
      this.#warn(error);
      return local;
    }
  }

  /** Puts this instance's counters into Redis where Redis has none (at start). */
  async seed(): Promise<void> {
    const scripts = this.#scripts();
    const entries = this.#local.entries();
    if (scripts === undefined || entries.length === 0) return;
    await scripts.seed.run(entries.map(({ key }) => this.#prefix + key.id), entries.flatMap(({ key, spend }) => [String(spend.tokens), String(spend.usd), String(PERIOD_TTL_SECONDS[key.period] ?? 0)]));
  }

  #scripts(): { add: RedisScript; seed: RedisScript } | undefined {
    const client = this.#client();
    if (client === undefined) return undefined;
    if (this.#scriptsOf !== client) {
      this.#scriptsOf = client;
      this.#add = redisScript(client, ADD);
      this.#seed = redisScript(client, SEED);
    }
    return { add: this.#add!, seed: this.#seed! };
  }

  #warn(error: unknown): void {
    if (Date.now() - this.#warned < WARN_INTERVAL_MS) return;
    this.#warned = Date.now();
    this.#log.warn({ err: error }, 'usage budgets: Redis unavailable, this instance enforces the budgets with its own counts until it answers');
  }
}
