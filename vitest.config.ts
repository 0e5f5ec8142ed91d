import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url))

export default defineConfig({
  resolve: {
    alias: {
      '@redshift-kit/dialect': src('./packages/dialect/src/index.ts'),
      '@redshift-kit/local': src('./packages/local/src/index.ts'),
      '@redshift-kit/client/simulation/vitest': src('./packages/client/src/simulation/vitest.ts'),
      '@redshift-kit/client/simulation': src('./packages/client/src/simulation/index.ts'),
      '@redshift-kit/client': src('./packages/client/src/index.ts'),
    },
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'examples/**/*.test.ts',
      'test/self-check/*.test.ts',
    ],
    // One local Redshift per test run, shared by the client's integration tests (`inject('redshift')`).
    globalSetup: ['./test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    // The pinned AWS SDK's "later versions need Node 22" notice, once per test file: not actionable here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest leaves a core free by default, which on a 2-core machine runs every file one after the
    // other; the files spend much of their time waiting on servers, so two at a time is worth it.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
})
