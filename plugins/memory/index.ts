/**
 * `memory`: long-term memory as Markdown in the workspace (`MEMORY.md`, `memory/YYYY-MM-DD.md`)
 * with a persisted, incrementally updated full-text index (MiniSearch, BM25+) and the tools
 * memory_search / memory_get / memory_write; before a compaction the model is asked to flush
 * durable facts to memory. See README.md beside this file.
 */
import { join } from 'node:path';
import schema from '../../schemas/plugins/memory.json' with { type: 'json' };
import validate from '../../schemas/generated/memory.validate.ts';
import { definePlugin, createServiceRef } from '../../sdk/core/index.ts';
import { agentHooksRef, parseSessionKey, toolRegistryRef } from '../../sdk/agent/index.ts';
import { registerMemoryCommand } from './cli.ts';
import { createEmbedder, type EmbeddingsOptions } from './embeddings.ts';
import { flushBeforeCompaction } from './flush.ts';
import { withMemoryFile } from './inject.ts';
import { MemoryIndex, type IndexStatus, type SearchHit, type SyncStats } from './memory-index.ts';
import { createMemoryTools, type AgentMemory, type MemoryToolOptions } from './memory-tools.ts';
import { MEMORY_FILE } from './memory-files.ts';
import { agentWorkspace, protectPaths } from '../../sdk/workspace/index.ts';
import { VectorStore } from './vectors.ts';

/** Search and index of the workspace memory files. */
export const memoryServiceRef = createServiceRef<MemoryService>({ id: 'memory', description: 'Search and index of the workspace memory files' });

export type { IndexStatus, SearchHit, SyncStats } from './memory-index.ts';
export { FLUSH_INSTRUCTION } from './flush.ts';

export interface MemoryOptions extends MemoryToolOptions {
  flushOnCompaction: boolean;
  flushMaxRounds: number;
  /** Characters of MEMORY.md put in the main session's system prompt (0: none). */
  injectMaxChars: number;
  /** Hybrid search through an OpenAI-compatible embeddings endpoint; off when absent. */
  embeddings?: EmbeddingsOptions;
}

export interface MemoryService {
  /** Brings the index up to date with the files (only changed files are re-read). */
  sync(): Promise<SyncStats>;
  search(query: string, limit?: number): Promise<SearchHit[]>;
  /** Drops the index and builds it again from the files. */
  rebuild(): Promise<SyncStats>;
  status(): IndexStatus;
}

export default definePlugin<MemoryOptions>({
  name: 'memory',
  version: '1.0.0',
  provides: [memoryServiceRef],
  kernel: '^1.0.0',
  description: 'Markdown memory in the workspace: memory_search/get/write tools, persisted full-text index, pre-compaction flush',
  schema,
  validate,
  dependencies: ['agent'],
  consumes: [toolRegistryRef],
  setup(ctx, options) {
    // The file tools reach the same files: they follow the memory tools' policy for the session.
    protectPaths(ctx, {
      covers: (path) => MEMORY_FILE.test(path) || path === 'memory' || path.startsWith('memory/'),
      refuses: (policy, sessionKey) => policy.check('memory_get', sessionKey) !== undefined,
      reason: 'memory files are the owner\'s: this session may not use the memory tools, so read/write/edit cannot reach MEMORY.md or memory/ either',
    });
    // One index per agent workspace: the main one in the plugin's data dir, another agent's
    // (agents.list, its own workspace) under agents/<id>/, created on that agent's first use.
    const openIndex = (workspace: string, indexFile: string) => {
      const vectors = options.embeddings === undefined
        ? undefined
        : new VectorStore(createEmbedder(options.embeddings, ctx.config['providers'] ?? {}, process.env), ctx.log);
      return new MemoryIndex({
        workspace: () => workspace,
        indexFile,
        log: ctx.log,
        maxFileBytes: options.maxFileBytes,
        ...(vectors ? { vectors, weight: options.embeddings!.weight } : {}),
      });
    };
    const index = openIndex(ctx.paths.workspace, join(ctx.paths.data, 'index.json'));
    const agentMemories = new Map<string, AgentMemory>();
    const memoryOf = (sessionKey: string | undefined): AgentMemory => {
      const workspace = agentWorkspace(ctx, sessionKey);
      if (workspace === ctx.paths.workspace) return { workspace, index };
      const agentId = parseSessionKey(sessionKey).agentId;
      let memory = agentMemories.get(agentId);
      if (memory === undefined || memory.workspace !== workspace) {
        memory = { workspace, index: openIndex(workspace, join(ctx.paths.data, 'agents', agentId, 'index.json')) };
        agentMemories.set(agentId, memory);
      }
      return memory;
    };
    ctx.onClose(async () => {
      await index.flush();
      for (const memory of agentMemories.values()) await memory.index.flush();
    });
    ctx.provide(memoryServiceRef, {
      sync: () => index.sync(),
      async search(query, limit = 5) {
        await index.sync();
        return await index.search(query, limit, options.maxSnippetChars);
      },
      rebuild: () => index.rebuild(),
      status: () => index.status(),
    });
    ctx.hooks.cliCommands.tap(ctx.name, (program, cli) => registerMemoryCommand(program, cli, () => ctx.use(memoryServiceRef)));
    const registry = ctx.use(toolRegistryRef);
    for (const tool of createMemoryTools(memoryOf, options)) ctx.onClose(registry.register(tool));

    ctx.hooks.diagnose.tapPromise(ctx.name, async (report) => {
      try {
        const stats = await index.sync();
        const status = index.status();
        report.add({ id: 'memory.index', severity: 'ok', title: 'Memory index is up to date', description: `${status.files} memory file(s), ${status.chunks} chunk(s); this check re-indexed ${stats.indexed} and dropped ${stats.removed}.` });
      } catch (error) {
        report.add({
          id: 'memory.index', severity: 'warning', title: 'Memory index cannot be updated',
          description: error instanceof Error ? error.message : String(error),
          recommendation: `Check that ${ctx.paths.workspace} and ${ctx.paths.data} are readable and writable by the gateway user.`,
        });
      }
    });

    if (options.injectMaxChars > 0) {
      ctx.hooks.beforeAgentRun.tapPromise(ctx.name, async (run) => {
        try {
          return await withMemoryFile(run, memoryOf(run.sessionKey).workspace, options.injectMaxChars, options.maxFileBytes);
        } catch (error) {
          ctx.log.warn({ err: error }, 'MEMORY.md could not be read into the prompt; the run goes on without it');
          return run;
        }
      });
    }

    if (options.flushOnCompaction) {
      ctx.hooksOf(agentHooksRef).beforeCompaction.tapPromise(ctx.name, async (event) => {
        const reply = await flushBeforeCompaction(event, options.flushMaxRounds);
        ctx.log.info({ sessionKey: event.sessionKey, runId: event.runId, silent: reply.trim() === 'NO_REPLY' }, 'memory flush before compaction done');
      });
    }
  },
});
