import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url))

// The fault suite (`npm run test:faults`): servers killed and restarted, networks cut and stalled,
// fuzzing, load. Not part of `npm test`, whose five minutes it would not fit.
export default defineConfig({
  resolve: {
    alias: {
      '@redshift-kit/dialect': src('./packages/dialect/src/index.ts'),
      '@redshift-kit/local': src('./packages/local/src/index.ts'),
      '@redshift-kit/client/simulation': src('./packages/client/src/simulation/index.ts'),
      '@redshift-kit/client': src('./packages/client/src/index.ts'),
    },
  },
  test: {
    include: ['test/faults/**/*.test.ts'],
    // Collects each scenario's figures, prints them and writes docs/reliability.md.
    globalSetup: ['./test/faults/report.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The pinned AWS SDK's "later versions need Node 22" notice: not actionable here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    pool: 'forks',
    // Each file starts its own servers; two cores are shared, so one file at a time.
    fileParallelism: false,
  },
})
