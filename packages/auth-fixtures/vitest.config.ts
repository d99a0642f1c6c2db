import { defineConfig, type ViteUserConfig } from 'vitest/config'
import { sharedTestConfig } from '../../vitest.shared.ts'

const config: ViteUserConfig = defineConfig({ test: { ...sharedTestConfig } })

export default config
