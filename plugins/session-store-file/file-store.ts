/**
 * The file session store: `<root>/<agentId>/sessions/<key>.jsonl` transcripts (append-only,
 * group-committed fsyncs) plus `sessions.json` (index, atomic rename, debounced: it can always
 * be rebuilt, the transcripts cannot).
 */
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadedSession, RunTrace, SessionInspect, SessionStore, SessionSummary, TranscriptEntry } from '../../sdk/agent/index.ts';
import { AppendFile } from '../../sdk/core/index.ts';
import { keyOfTranscript, transcriptName } from './file-names.ts';
import { readIndex, writeIndex } from './index-file.ts';
import { closeOrphanToolCalls, emptySummary, foldEntries, orphanToolCalls, summarize } from '../../sdk/agent/index.ts';
import { cutTo, readTranscript } from './transcript-file.ts';

export interface FileStoreOptions {
  /** `<stateDir>/state/agents`. */
  root: string;
  /** Delay before the index is rewritten after a change. */
  indexDelayMs: number;
  /** Transcript file handles kept open (least recently used are closed). */
  maxOpenFiles: number;
  warn?: (fields: Record<string, unknown>, message: string) => void;
}

interface AgentDir {
  dir: string;
  sessions: Map<string, SessionSummary>;
  dirty: boolean;
  timer?: NodeJS.Timeout;
  writing?: Promise<void>;
}

const AGENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

export function createFileStore(options: FileStoreOptions): SessionStore & { flushIndex(): Promise<void> } {
  const agents = new Map<string, Promise<AgentDir>>();
  const appenders = new Map<string, AppendFile>();
  /** Evicted appenders still closing (finishing their writes), by file. */
  const closing = new Map<string, Promise<void>>();
  const warn = options.warn ?? (() => undefined);
  let closed = false;

  const agentDir = (agentId: string): Promise<AgentDir> => {
    if (!AGENT_ID.test(agentId)) return Promise.reject(new TypeError(`invalid agent id ${JSON.stringify(agentId)}`));
    let found = agents.get(agentId);
    if (found === undefined) {
      found = openAgent(agentId);
      agents.set(agentId, found);
      found.catch(() => agents.delete(agentId));
    }
    return found;
  };

  async function openAgent(agentId: string): Promise<AgentDir> {
    const dir = join(options.root, agentId, 'sessions');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const index = await readIndex(dir);
    if (!index.ok && index.reason === 'corrupt') warn({ agentId, quarantined: index.quarantined }, 'session index was corrupt: moved aside and rebuilt from the transcripts');
    const recorded = index.ok ? index.data.sessions : {};
    const state: AgentDir = { dir, sessions: new Map(), dirty: !index.ok };
    for (const name of await readdir(dir)) {
      const key = keyOfTranscript(name);
      if (key === undefined) continue;
      const size = (await stat(join(dir, name))).size;
      const row = recorded[key];
      if (row !== undefined && row.size === size) state.sessions.set(key, row);
      else {
        // The index lags the transcript (crash between append and index write): recount.
        const parsed = await readTranscript(join(dir, name));
        state.sessions.set(key, summarize(agentId, key, parsed.entries, size));
        state.dirty = true;
      }
    }
    if (state.dirty) schedule(state);
    return state;
  }

  function schedule(state: AgentDir): void {
    state.dirty = true;
    if (state.timer !== undefined || closed) return;
    state.timer = setTimeout(() => {
      state.timer = undefined;
      void flush(state).catch((error: unknown) => warn({ err: error }, 'session index write failed; it is rebuilt on next start'));
    }, options.indexDelayMs);
    state.timer.unref();
  }

  async function flush(state: AgentDir): Promise<void> {
    while (state.writing) await state.writing;
    if (!state.dirty) return;
    state.dirty = false;
    const data = { version: 1 as const, sessions: Object.fromEntries(state.sessions) };
    state.writing = writeIndex(state.dir, data).finally(() => { state.writing = undefined; });
    await state.writing;
  }

  function appenderFor(state: AgentDir, key: string): AppendFile {
    const file = join(state.dir, transcriptName(key));
    let appender = appenders.get(file);
    if (appender !== undefined) {
      appenders.delete(file);
      appenders.set(file, appender);
      return appender;
    }
    // An evicted appender of this file may still be writing: the new one opens after it closed.
    const after = closing.get(file);
    appender = new AppendFile(file, state.sessions.get(key)?.size ?? 0, after !== undefined ? { after } : {});
    appenders.set(file, appender);
    if (appenders.size > options.maxOpenFiles) {
      const [oldest, evicted] = appenders.entries().next().value as [string, AppendFile];
      appenders.delete(oldest);
      const done: Promise<void> = evicted.close().catch(() => undefined).finally(() => {
        if (closing.get(oldest) === done) closing.delete(oldest);
      });
      closing.set(oldest, done);
    }
    return appender;
  }

  const store = {
    async append(agentId: string, key: string, entries: TranscriptEntry[]): Promise<void> {
      if (closed) throw new Error('session store is closed');
      if (entries.length === 0) return;
      const state = await agentDir(agentId);
      const appender = appenderFor(state, key);
      let data = '';
      for (const entry of entries) data += `${JSON.stringify(entry)}\n`;
      await appender.append(data);
      const summary = state.sessions.get(key) ?? emptySummary(agentId, key, entries[0]!.at);
      foldEntries(summary, entries);
      summary.size = appender.size;
      state.sessions.set(key, summary);
      schedule(state);
    },

    async load(agentId: string, key: string, options?: { repair?: boolean }): Promise<LoadedSession> {
      const state = await agentDir(agentId);
      const file = join(state.dir, transcriptName(key));
      const parsed = await readTranscript(file);
      if (options?.repair === false) {
        const orphans = orphanToolCalls(parsed.entries).length;
        const needsRepair = [
          ...(parsed.tornTail ? [`a torn last line (${parsed.fileBytes - parsed.validBytes} bytes)`] : []),
          ...(parsed.skippedLines > 0 ? [`${parsed.skippedLines} unreadable line(s)`] : []),
          ...(orphans > 0 ? [`${orphans} interrupted tool call(s)`] : []),
        ];
        return { entries: parsed.entries, repaired: [], ...(needsRepair.length > 0 ? { needsRepair } : {}) };
      }
      const repaired: string[] = [];
      if (parsed.tornTail) {
        await cutTo(file, parsed.validBytes);
        repaired.push(`dropped a torn last line (${parsed.fileBytes - parsed.validBytes} bytes)`);
      }
      if (parsed.skippedLines > 0) repaired.push(`skipped ${parsed.skippedLines} unreadable line(s)`);
      const appender = appenderFor(state, key);
      appender.size = parsed.validBytes;
      const entries = parsed.entries;
      const closing = closeOrphanToolCalls(entries);
      if (closing.length > 0) {
        let data = '';
        for (const entry of closing) data += `${JSON.stringify(entry)}\n`;
        await appender.append(data);
        entries.push(...closing);
        repaired.push(`closed ${closing.length} interrupted tool call(s)`);
      }
      if (entries.length > 0 || state.sessions.has(key)) {
        state.sessions.set(key, summarize(agentId, key, entries, appender.size));
        if (repaired.length > 0) schedule(state);
      }
      if (repaired.length > 0) warn({ agentId, session: key, repaired }, 'session transcript repaired on load');
      return { entries, repaired };
    },

    async list(agentId: string): Promise<SessionSummary[]> {
      const state = await agentDir(agentId);
      return [...state.sessions.values()].map((s) => structuredClone(s)).sort((a, b) => b.updatedAt - a.updatedAt);
    },

    async inspect(agentId: string, key: string): Promise<SessionInspect | undefined> {
      const state = await agentDir(agentId);
      const summary = state.sessions.get(key);
      if (summary === undefined) return undefined;
      const file = join(state.dir, transcriptName(key));
      const info = await stat(file);
      return { ...structuredClone(summary), size: info.size, lastModified: info.mtimeMs, file };
    },

    async findTrace(agentId: string, runId: string): Promise<RunTrace | undefined> {
      const state = await agentDir(agentId);
      const needle = JSON.stringify(runId);
      for (const key of state.sessions.keys()) {
        const text = await readFile(join(state.dir, transcriptName(key)), 'utf8').catch(() => '');
        if (!text.includes(needle)) continue;
        for (const line of text.split('\n')) {
          if (!line.includes('"kind":"trace"') || !line.includes(needle)) continue;
          try {
            const entry = JSON.parse(line) as TranscriptEntry;
            if (entry.kind === 'trace' && entry.runId === runId) return entry.trace;
          } catch {
            // a torn line: not this one
          }
        }
      }
      return undefined;
    },

    async flushIndex(): Promise<void> {
      for (const state of agents.values()) {
        const ready = await state.catch(() => undefined);
        if (ready === undefined) continue;
        if (ready.timer) clearTimeout(ready.timer);
        ready.timer = undefined;
        await flush(ready);
      }
    },

    async close(): Promise<void> {
      if (closed) return;
      await Promise.all([...appenders.values()].map((appender) => appender.close()));
      appenders.clear();
      await Promise.all(closing.values());
      await store.flushIndex();
      closed = true;
    },
  };
  return store;
}
