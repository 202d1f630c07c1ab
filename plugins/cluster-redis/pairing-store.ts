/**
 * The pairing store in Redis, so a code requested through the instance that owns a channel can
 * be approved through any other: the same API as the file store (plugins/channels/pairing-store.ts; contract: moltbot/plugin-sdk/channels),
 * every change one atomic Lua script. Per channel `<prefix>:pairing:<channel>:pending` (hash
 * code → request JSON; expired ones are dropped by the next request) and `…:approved` (hash
 * sender → approval JSON). The synchronous reads (`list`, `approvedSenders`) answer from a mirror
 * that `load(channel)` refreshes; the channel runtime loads before each policy decision.
 */
import { CHANNEL_ID, CODE_TTL_MS, MAX_PENDING, PairingError, generateCode, type ApprovedSender, type PairingBackend, type PairingRequest, type RequestResult, type StoredRequest } from '../../sdk/channels/index.ts';
import { type RedisClient, redisScript } from '../../sdk/redis/index.ts';

const REQUEST = `
local pending = redis.call('HGETALL', KEYS[1])
local count = 0
local oldestCode, oldestRaw, oldestAt = nil, '', nil
for i = 1, #pending, 2 do
  local r = cjson.decode(pending[i + 1])
  if tonumber(r.expiresAt) <= tonumber(ARGV[1]) then redis.call('HDEL', KEYS[1], pending[i])
  else
    if r.sender == ARGV[2] then return {'existing', pending[i + 1], ''} end
    count = count + 1
    if oldestAt == nil or tonumber(r.createdAt) < oldestAt then
      oldestCode, oldestRaw, oldestAt = pending[i], pending[i + 1], tonumber(r.createdAt)
    end
  end
end
if redis.call('HEXISTS', KEYS[1], ARGV[3]) == 1 then return {'collision', '', ''} end
local evicted = ''
if count >= tonumber(ARGV[5]) then
  redis.call('HDEL', KEYS[1], oldestCode)
  evicted = oldestRaw
end
redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
return {'created', ARGV[4], evicted}
`;

const TAKE = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
local r = cjson.decode(raw)
if tonumber(r.expiresAt) <= tonumber(ARGV[2]) then return false end
if ARGV[3] == 'approve' and redis.call('HEXISTS', KEYS[2], r.sender) == 0 then
  local entry = { sender = r.sender, approvedAt = tonumber(ARGV[2]) }
  if r.senderName then entry.senderName = r.senderName end
  if ARGV[4] == '1' then entry.notifyChatId = r.chatId or r.sender end
  redis.call('HSET', KEYS[2], r.sender, cjson.encode(entry))
end
return raw
`;

const TAKE_NOTIFICATIONS = `
local approved = redis.call('HGETALL', KEYS[1])
local due = {}
for i = 1, #approved, 2 do
  local entry = cjson.decode(approved[i + 1])
  if entry.notifyChatId then
    table.insert(due, cjson.encode({ sender = entry.sender, chatId = entry.notifyChatId }))
    entry.notifyChatId = nil
    redis.call('HSET', KEYS[1], approved[i], cjson.encode(entry))
  end
end
return due
`;

interface Mirror {
  pending: StoredRequest[];
  approved: ApprovedSender[];
}

export function createRedisPairingStore(client: RedisClient, keyPrefix: string, now: () => number = Date.now): PairingBackend {
  const mirror = new Map<string, Mirror>();
  const requestScript = redisScript(client, REQUEST);
  const takeScript = redisScript(client, TAKE);
  const notifyScript = redisScript(client, TAKE_NOTIFICATIONS);
  const keys = (channel: string) => {
    if (!CHANNEL_ID.test(channel)) throw new PairingError(`invalid channel id ${JSON.stringify(channel)}: expected [a-z0-9][a-z0-9_-]{0,63}`);
    const base = `${keyPrefix}:pairing:${channel}`;
    return { pending: `${base}:pending`, approved: `${base}:approved` };
  };
  const parse = <T>(values: string[]): T[] => values.flatMap((raw) => {
    try {
      return [JSON.parse(raw) as T];
    } catch {
      return [];
    }
  });
  const live = (channel: string): Mirror => {
    const state = mirror.get(channel) ?? { pending: [], approved: [] };
    const at = now();
    return { pending: state.pending.filter((request) => request.expiresAt > at), approved: state.approved };
  };

  async function load(channel: string): Promise<void> {
    const k = keys(channel);
    const [pending, approved] = await Promise.all([client.hVals(k.pending), client.hVals(k.approved)]);
    mirror.set(channel, {
      pending: parse<StoredRequest>(pending).sort((a, b) => a.createdAt - b.createdAt),
      approved: parse<ApprovedSender>(approved).sort((a, b) => a.approvedAt - b.approvedAt),
    });
  }

  async function take(channel: string, code: string, action: 'approve' | 'reject', notifyLater = false): Promise<StoredRequest> {
    const k = keys(channel);
    const wanted = code.trim().toUpperCase();
    const raw = await takeScript.run([k.pending, k.approved], [wanted, String(now()), action, notifyLater ? '1' : '0']);
    await load(channel);
    if (typeof raw !== 'string') throw new PairingError(`no pending pairing code "${wanted}" for channel "${channel}" (expired, already used, or mistyped); \`moltbot pairing list\` shows the pending ones`);
    return JSON.parse(raw) as StoredRequest;
  }

  return {
    load,
    async loadAll() {
      const channels = new Set<string>();
      for await (const batch of client.scanIterator({ MATCH: `${keyPrefix}:pairing:*`, COUNT: 200 })) {
        for (const key of batch) {
          const channel = key.slice(`${keyPrefix}:pairing:`.length).replace(/:(pending|approved)$/, '');
          if (CHANNEL_ID.test(channel)) channels.add(channel);
        }
      }
      await Promise.all([...channels].map(load));
      return [...channels];
    },
    approvedSenders: (channel) => [...live(channel).approved],
    list(channel?: string): PairingRequest[] {
      const channels = channel === undefined ? [...mirror.keys()] : [channel];
      return channels.flatMap((name) => live(name).pending.map((request) => ({ ...request })));
    },
    async request(channel, sender, senderName, chatId): Promise<RequestResult> {
      const k = keys(channel);
      for (;;) {
        const createdAt = now();
        const code = generateCode();
        const request: StoredRequest = { channel, code, sender, ...(senderName ? { senderName } : {}), createdAt, expiresAt: createdAt + CODE_TTL_MS, ...(chatId ? { chatId } : {}) };
        const [status, raw, evicted] = await requestScript.run([k.pending], [String(createdAt), sender, code, JSON.stringify(request), String(MAX_PENDING), String(CODE_TTL_MS)]) as [string, string, string];
        if (status === 'collision') continue;
        await load(channel);
        if (status === 'existing') return { status: 'existing', request: JSON.parse(raw) as StoredRequest };
        return { status: 'created', request: JSON.parse(raw) as StoredRequest, ...(evicted ? { evicted: JSON.parse(evicted) as StoredRequest } : {}) };
      }
    },
    approve: (channel, code, options = {}) => take(channel, code, 'approve', options.notifyLater === true),
    reject: (channel, code) => take(channel, code, 'reject'),
    async takeNotifications(channel) {
      const due = await notifyScript.run([keys(channel).approved], []) as string[];
      await load(channel);
      return parse<{ sender: string; chatId: string }>(due);
    },
    async revoke(channel, sender) {
      const removed = await client.hDel(keys(channel).approved, sender);
      await load(channel);
      return removed > 0;
    },
    async flush() {},
  };
}
