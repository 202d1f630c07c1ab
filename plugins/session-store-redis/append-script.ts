/**
 * The append, as one Lua script so it is atomic in Redis whichever instance runs it: entries
 * pushed to the session's list, the session's index row folded with this batch's delta (so two
 * instances appending never lose each other's counts), and traces indexed by run id.
 *
 * KEYS[1] transcript list, KEYS[2] index hash, KEYS[3] traces hash.
 * ARGV[1] session key, ARGV[2] delta (JSON summary of this batch), ARGV[3] bytes of the batch,
 * ARGV[4] number of entries n, ARGV[5..4+n] entries (JSON), then pairs runId, trace JSON.
 * Returns the transcript's new length.
 */
export const APPEND_SCRIPT = `
local n = tonumber(ARGV[4])
local length = 0
for i = 5, 4 + n do length = redis.call('RPUSH', KEYS[1], ARGV[i]) end
local i = 5 + n
while i < #ARGV do
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  i = i + 2
end
local delta = cjson.decode(ARGV[2])
local raw = redis.call('HGET', KEYS[2], ARGV[1])
local row
if raw then
  row = cjson.decode(raw)
  if row.messageCount == 0 and delta.createdAt < row.createdAt then row.createdAt = delta.createdAt end
  if delta.updatedAt > row.updatedAt then row.updatedAt = delta.updatedAt end
  row.messageCount = row.messageCount + delta.messageCount
  row.tokenCount.input = row.tokenCount.input + delta.tokenCount.input
  row.tokenCount.output = row.tokenCount.output + delta.tokenCount.output
  row.size = row.size + tonumber(ARGV[3])
  if type(row.metadata) ~= 'table' then row.metadata = {} end
  for k, v in pairs(delta.metadata) do
    if k == 'compactions' then row.metadata[k] = (tonumber(row.metadata[k]) or 0) + v else row.metadata[k] = v end
  end
else
  row = delta
  row.size = tonumber(ARGV[3])
end
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(row))
return length
`;
