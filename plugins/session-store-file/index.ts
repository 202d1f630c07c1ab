/**
 * `session-store-file`: provides the `session-store` service the agent writes sessions to.
 * Layout `<stateDir>/state/agents/<agentId>/sessions/` (what the deployment guide's backup
 * script copies). A Redis store replaces it by providing the same service.
 */
import { join } from 'node:path';
import schema from '../../schemas/plugins/session-store-file.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/session-store-file.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { sessionStoreRef } from '../../sdk/agent/index.ts';
import { createFileStore } from './file-store.ts';
import { checkSessionStore } from './integrity-check.ts';

export { createFileStore } from './file-store.ts';

export interface SessionStoreFileOptions {
  indexDelayMs: number;
  maxOpenFiles: number;
}

/** `<stateDir>/state/agents`: shared with the backup plugin and the CLI. */
export function agentsRoot(stateDir: string): string {
  return join(stateDir, 'state', 'agents');
}

export default definePlugin<SessionStoreFileOptions>({
  name: 'session-store-file',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Session transcripts as append-only JSONL files with a crash-safe index',
  schema,
  validate: validateOptions,
  defaults: { indexDelayMs: 1000, maxOpenFiles: 256 },
  provides: [sessionStoreRef],
  setup(ctx, options) {
    const root = agentsRoot(ctx.paths.stateDir);
    const store = createFileStore({
      root,
      indexDelayMs: options.indexDelayMs,
      maxOpenFiles: options.maxOpenFiles,
      warn: (fields, message) => ctx.log.warn(fields, message),
    });
    ctx.provide(sessionStoreRef, store);
    ctx.hooks.backupSources.tap(ctx.name, (sources) => [...sources, { name: 'sessions', path: root, plugin: ctx.name }]);
    ctx.hooks.diagnose.tapPromise(ctx.name, (report) => checkSessionStore(root, store, report));
    ctx.onClose(() => store.close());
  },
});
