import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests import `moltbot` and `moltbot/plugin-sdk/*` from the TypeScript sources, the way the
  // CLI does in a checkout (bin/own-package.js), never from a dist/ that may be stale.
  ssr: { resolve: { conditions: ['moltbot-source', ...defaultServerConditions] } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Both cores: vitest's default (cores - 1) runs the files one at a time on a 2-core machine,
    // which put the suite over its 10-minute budget; the tests use free ports, unique Redis
    // prefixes and their own temp dirs, so two files never share state.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
