import { availableParallelism } from 'node:os'
import type { ViteUserConfig } from 'vitest/config'

/**
 * Settings every workspace's vitest config starts from.
 *
 * vitest's default `maxWorkers` in run mode is cores - 1, which is 1 on a 2-core machine: use them all.
 */
export const sharedTestConfig: NonNullable<ViteUserConfig['test']> = {
  include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  maxWorkers: Math.max(1, availableParallelism()),
  testTimeout: 20_000,
  hookTimeout: 60_000,
}
