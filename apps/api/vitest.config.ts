import { defineConfig, type ViteUserConfig } from 'vitest/config'
import { sharedTestConfig } from '../../vitest.shared.ts'

/** `pnpm bench api` runs the same files in naive mode (see test/support/test-mode.ts): one worker, no coverage. */
const naive = process.env.INSIGHTS_TEST_MODE === 'naive'
/** The benchmark measures the suite, not coverage instrumentation. */
const coverage = process.env.INSIGHTS_COVERAGE !== 'false'

const config: ViteUserConfig = defineConfig({
  test: {
    ...sharedTestConfig,
    globalSetup: ['@suitekit/db-isolation/global-setup'],
    // workers are reused across files: each builds its database and app once
    isolate: false,
    maxWorkers: naive ? 1 : sharedTestConfig.maxWorkers,
    runner: '@suitekit/reporter/runner',
    reporters: ['default', ['@suitekit/reporter', { preset: 'js', slowest: 10 }]],
    tags: [
      { name: 'unit', description: 'no database, no HTTP: functions alone' },
      { name: 'integration', description: 'through HTTP and the database' },
      { name: 'security', description: 'authentication, authorization, tenancy, error leaks' },
    ],
    coverage: {
      enabled: coverage && !naive,
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/main.ts'],
      reporter: ['text-summary'],
      thresholds: { lines: 85, branches: 85 },
    },
  },
})

export default config
