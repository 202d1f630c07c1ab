/**
 * `moltbot doctor`: is the store reachable, and does Redis keep what it acknowledged? With
 * persistence off (the Redis default in many containers) a Redis restart loses every session,
 * whatever the gateway does; the check says so and how to fix it.
 */
import type { CheckReport } from '../../sdk/core/index.ts';
import type { RedisConnection } from '../../sdk/redis/index.ts';

export async function checkRedisDurability(connection: RedisConnection, report: CheckReport): Promise<void> {
  const title = 'Redis session store';
  if (!connection.client.isReady) {
    report.add({ id: 'sessions.redis', severity: 'critical', title, description: `session-store-redis: Redis is unreachable${connection.lastError() ? ` (${connection.lastError()})` : ''}; chat runs fail (UNAVAILABLE, retryAfterMs) until it answers.`, recommendation: 'Start Redis or fix redis.url (session-store-redis `url`).' });
    return;
  }
  let config: Record<string, string>;
  try {
    config = await connection.client.configGet(['appendonly', 'appendfsync', 'save']) as Record<string, string>;
  } catch (error) {
    // Managed Redis services often refuse CONFIG: say what could not be checked.
    report.add({ id: 'sessions.redis', severity: 'info', title, description: `Redis answers, but its persistence settings cannot be read (${connection.redact(error instanceof Error ? error.message : String(error))}).`, recommendation: 'Make sure the service persists data (AOF with appendfsync everysec or always).' });
    return;
  }
  if (config['appendonly'] === 'yes') {
    const fsync = config['appendfsync'] ?? 'everysec';
    report.add({ id: 'sessions.redis', severity: fsync === 'no' ? 'warning' : 'ok', title, description: `Redis keeps sessions in its append-only file (appendfsync ${fsync}${fsync === 'everysec' ? ': at most 1 s of acknowledged entries lost if the Redis host crashes' : ''}).`, ...(fsync === 'no' ? { recommendation: 'Set appendfsync everysec (or always).' } : {}) });
    return;
  }
  const snapshots = (config['save'] ?? '').trim();
  report.add({
    id: 'sessions.redis',
    severity: snapshots === '' ? 'critical' : 'warning',
    title,
    description: snapshots === ''
      ? 'Redis persistence is off (appendonly no, no snapshots): a Redis restart loses every session.'
      : `Redis persists only by snapshots (save "${snapshots}"): a Redis crash loses the sessions written since the last one.`,
    recommendation: 'Run Redis with --appendonly yes --appendfsync everysec (or always).',
  });
}
