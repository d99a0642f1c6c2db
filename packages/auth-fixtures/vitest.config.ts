import { defineConfig, type ViteUserConfig } from 'vitest/config'
import { sharedTestConfig } from '../../vitest.shared.ts'

const config: ViteUserConfig = defineConfig({
  test: { ...sharedTestConfig, globalSetup: ['./src/global-setup.ts'] },
})

export default config
