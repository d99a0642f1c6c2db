import { defineConfig, type ViteUserConfig } from 'vitest/config'
import { sharedTestConfig } from '../../vitest.shared.ts'

const config: ViteUserConfig = defineConfig({
  test: {
    ...sharedTestConfig,
    // fixture projects are run by the tests themselves (one of them fails on purpose)
    exclude: ['test/fixtures/**', '**/node_modules/**'],
    globalSetup: ['./test/global-setup.ts'],
    isolate: false,
  },
})

export default config
