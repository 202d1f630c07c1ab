/**
 * The shared limits as Lua scripts: each decision is one atomic round trip, on Redis's clock
 * (TIME), so instances with skewed clocks still agree.
 */

/**
 * Failed-auth lockout over several keys (`ip:…`, `origin:…`), the in-memory limiter's rules:
 * `max` failures inside a sliding `window` lock a key for `lockout`; while locked every attempt
 * is refused and failures do not extend it. KEYS: lock1, fail1, lock2, fail2, …
 * ARGV: mode ("check" | "fail"), max, window ms, lockout ms, a nonce. Returns
 * {allowed 0|1, retryAfterMs, remaining} for the worst key.
 */
export const AUTH_SCRIPT = `
local mode = ARGV[1]
local max = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local lockout = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local allowed, retry, remaining = 1, 0, max
for i = 1, #KEYS, 2 do
  local lock, fail = KEYS[i], KEYS[i + 1]
  local ttl = redis.call('PTTL', lock)
  if ttl > 0 then
    if ttl > retry then retry = ttl end
    allowed, remaining = 0, 0
  else
    redis.call('ZREMRANGEBYSCORE', fail, '-inf', now - window)
    local count = redis.call('ZCARD', fail)
    if mode == 'fail' then
      redis.call('ZADD', fail, now, ARGV[5] .. ':' .. i)
      count = count + 1
      if count >= max then
        redis.call('SET', lock, '1', 'PX', lockout)
        redis.call('DEL', fail)
        if lockout > retry then retry = lockout end
        allowed, remaining = 0, 0
      else
        redis.call('PEXPIRE', fail, window)
      end
    end
    if max - count < remaining then remaining = math.max(0, max - count) end
  end
end
if allowed == 1 then retry = 0 end
return {allowed, retry, remaining}
`;

/**
 * One token from a bucket of `burst` tokens refilled at `rate` tokens per ms. KEYS: bucket.
 * ARGV: rate, burst. Returns {allowed 0|1, retryAfterMs}.
 */
export const BUCKET_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local allowed, retry = 0, 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = math.max(1, math.ceil((1 - tokens) / rate))
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
return {allowed, retry}
`;
