import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Files that drive real browsers, many child processes, SIGKILL loops, resource limits or
 * packaging: they run alone, after the rest, so CPU they do not control never decides a
 * timeout (two of them side by side failed on a 2-core machine).
 */
const SERIAL = [
  'test/plugins/tools-browser/**/*.test.ts',
  'test/plugins/tools-exec/**/*.test.ts',
  'test/plugins/control-ui/**/*.test.ts',
  'test/plugins/sandbox/**/*.test.ts',
  'test/plugins/mcp/**/*.test.ts',
  'test/plugins/mcp-server/**/*.test.ts',
  'test/plugins/resources/**/*.test.ts',
  'test/plugins/session-store-file/crash.test.ts',
  'test/plugins/session-store-file/disk-full.test.ts',
  'test/plugins/backup/sigkill.test.ts',
  'test/plugins/usage/budgets-crash.test.ts',
  'test/deploy/**/*.test.ts',
  'test/templates/**/*.test.ts',
  'test/package/**/*.test.ts',
];

export default defineConfig({
  // Tests import `moltbot` and `moltbot/plugin-sdk/*` from the TypeScript sources, the way the
  // CLI does in a checkout (bin/own-package.js), never from a dist/ that may be stale.
  ssr: { resolve: { conditions: ['moltbot-source', ...defaultServerConditions] } },
  test: {
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    reporters: ['default'],
    projects: [
      // vitest's default (cores - 1) is one file at a time on a 2-core machine; the rest use
      // free ports, unique Redis prefixes and their own temp dirs, so two never share state.
      { extends: true, test: { name: 'parallel', include: ['test/**/*.test.ts'], exclude: SERIAL, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'serial', include: SERIAL, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
