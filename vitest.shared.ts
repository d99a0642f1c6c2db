import { enableCompileCache } from 'node:module'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { ViteUserConfig } from 'vitest/config'

// V8's compile cache, for the rest of this process and for the vitest workers it starts (they
// inherit the variable): once warm, a worker imports Fastify, MikroORM and the rest in about half
// the time. A first run writes it (under node_modules, so a reinstall clears it).
process.env.NODE_COMPILE_CACHE ??= fileURLToPath(
  new URL('./node_modules/.cache/node-compile-cache', import.meta.url),
)
enableCompileCache(process.env.NODE_COMPILE_CACHE)

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
