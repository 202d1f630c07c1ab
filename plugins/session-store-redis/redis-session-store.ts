/**
 * The Redis session store: the same `SessionStore` contract as the file store, so gateway
 * instances share sessions. Per agent: `<prefix>:sessions:<agentId>:log:<key>` (a list of JSON
 * entries, appended by one atomic script), `…:index` (hash: key → summary row) and `…:traces`
 * (hash: runId → trace). What the file store repairs after a crash has a Redis counterpart: a
 * batch is never torn (the script is atomic), unreadable entries are skipped and reported, and
 * tool calls a crash left without a result are closed on load.
 */
import type { LoadedSession, RunTrace, SessionInspect, SessionStore, SessionSummary, TranscriptEntry } from '../../sdk/agent/index.ts';
import { type RedisClient, redisScript } from '../../sdk/redis/index.ts';
import { closeOrphanToolCalls, emptySummary, foldEntries } from '../../sdk/agent/index.ts';
import { APPEND_SCRIPT } from './append-script.ts';

export interface RedisSessionStoreOptions {
  client: RedisClient;
  keyPrefix: string;
  /** Names the store in `inspect().file` without the URL's credentials. */
  location: string;
  warn?: (fields: Record<string, unknown>, message: string) => void;
}

const AGENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

export function createRedisSessionStore(options: RedisSessionStoreOptions): SessionStore {
  const { client } = options;
  const warn = options.warn ?? (() => undefined);
  let closed = false;
  const appendScript = redisScript(client, APPEND_SCRIPT);

  const keys = (agentId: string) => {
    if (!AGENT_ID.test(agentId)) throw new TypeError(`invalid agent id ${JSON.stringify(agentId)}`);
    const base = `${options.keyPrefix}:sessions:${agentId}`;
    return { log: (key: string) => `${base}:log:${key}`, index: `${base}:index`, traces: `${base}:traces` };
  };

  async function append(agentId: string, key: string, entries: TranscriptEntry[]): Promise<void> {
    if (closed) throw new Error('session store is closed');
    if (entries.length === 0) return;
    const k = keys(agentId);
    const lines = entries.map((entry) => JSON.stringify(entry));
    const bytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    const delta = foldEntries(emptySummary(agentId, key, entries[0]!.at), entries);
    const traces = entries.flatMap((entry) => (entry.kind === 'trace' ? [entry.runId, JSON.stringify(entry.trace)] : []));
    await appendScript.run([k.log(key), k.index, k.traces], [key, JSON.stringify(delta), String(bytes), String(lines.length), ...lines, ...traces]);
  }

  async function row(agentId: string, key: string): Promise<SessionSummary | undefined> {
    const raw = await client.hGet(keys(agentId).index, key);
    return raw == null ? undefined : parseRow(raw);
  }

  return {
    append,

    async load(agentId: string, key: string, options?: { repair?: boolean }): Promise<LoadedSession> {
      const lines = await client.lRange(keys(agentId).log(key), 0, -1);
      const entries: TranscriptEntry[] = [];
      let skipped = 0;
      for (const line of lines) {
        try {
          entries.push(JSON.parse(line) as TranscriptEntry);
        } catch {
          skipped++;
        }
      }
      const repaired: string[] = [];
      if (skipped > 0) repaired.push(`skipped ${skipped} unreadable entr${skipped === 1 ? 'y' : 'ies'}`);
      const closing = options?.repair === false ? [] : closeOrphanToolCalls(entries);
      if (closing.length > 0) {
        await append(agentId, key, closing);
        entries.push(...closing);
        repaired.push(`closed ${closing.length} interrupted tool call(s)`);
      }
      if (repaired.length > 0) warn({ agentId, session: key, repaired }, 'session transcript repaired on load');
      return { entries, repaired };
    },

    async list(agentId: string): Promise<SessionSummary[]> {
      const rows = await client.hGetAll(keys(agentId).index);
      return Object.values(rows).flatMap((raw) => {
        const parsed = parseRow(raw);
        return parsed === undefined ? [] : [parsed];
      }).sort((a, b) => b.updatedAt - a.updatedAt);
    },

    async inspect(agentId: string, key: string): Promise<SessionInspect | undefined> {
      const summary = await row(agentId, key);
      if (summary === undefined) return undefined;
      return { ...summary, lastModified: summary.updatedAt, file: `${options.location}/${keys(agentId).log(key)}` };
    },

    async findTrace(agentId: string, runId: string): Promise<RunTrace | undefined> {
      const raw = await client.hGet(keys(agentId).traces, runId);
      if (raw == null) return undefined;
      try {
        return JSON.parse(raw) as RunTrace;
      } catch {
        return undefined;
      }
    },

    entryCount: (agentId: string, key: string) => client.lLen(keys(agentId).log(key)),

    async close(): Promise<void> {
      closed = true;
    },
  };
}

function parseRow(raw: string): SessionSummary | undefined {
  try {
    const row = JSON.parse(raw) as SessionSummary;
    // Lua's cjson writes an empty table as {} but cannot tell [] from {}: metadata is always an object.
    if (typeof row.metadata !== 'object' || row.metadata === null || Array.isArray(row.metadata)) row.metadata = {};
    return row;
  } catch {
    return undefined;
  }
}
