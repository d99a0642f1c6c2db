import { defineConfig, type ViteUserConfig } from 'vitest/config'
import { sharedTestConfig } from '../../vitest.shared.ts'

const config: ViteUserConfig = defineConfig({
  // fixture projects are run by the tests themselves
  test: { ...sharedTestConfig, exclude: ['test/fixtures/**', '**/node_modules/**'] },
})

export default config
