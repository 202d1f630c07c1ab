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
    reporters: ['default'],
  },
});
