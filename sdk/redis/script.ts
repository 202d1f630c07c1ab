/**
 * A Lua script run by hash (EVALSHA), loaded on first use and again after Redis lost its
 * script cache (a restart or failover answers NOSCRIPT).
 */
import type { RedisClient } from './connection.ts';

export interface RedisScript {
  run(keys: string[], args: string[]): Promise<unknown>;
}

export function redisScript(client: RedisClient, source: string): RedisScript {
  let sha: string | undefined;
  return {
    async run(keys, args) {
      sha ??= await client.scriptLoad(source);
      try {
        return await client.evalSha(sha, { keys, arguments: args });
      } catch (error) {
        if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
        sha = await client.scriptLoad(source);
        return client.evalSha(sha, { keys, arguments: args });
      }
    },
  };
}
