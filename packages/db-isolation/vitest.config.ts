import { defineConfig, type ViteUserConfig } from 'vitest/config'
import { sharedTestConfig } from '../../vitest.shared.ts'

const config: ViteUserConfig = defineConfig({
  test: {
    ...sharedTestConfig,
    globalSetup: ['./test/global-setup.ts'],
    isolate: false,
  },
})

export default config
