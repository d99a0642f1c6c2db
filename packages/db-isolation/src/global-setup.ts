// vitest globalSetup: `globalSetup: ['@suitekit/db-isolation/global-setup']`.
import type { TestProject } from 'vitest/node'
import { requestedEngine } from './internal/requested-engine.js'
import { startPostgres } from './postgres-server.js'
// the ProvidedContext key it sets, without loading the fixtures (and MikroORM) into vitest's process
import type {} from './vitest.js'

/**
 * Starts the PostgreSQL server of the run when `SUITEKIT_TEST_DB=postgres`: `TEST_DATABASE_URL` when
 * set, otherwise a throwaway cluster, stopped after the run. Does nothing for SQLite runs.
 */
export default async function setup(
  project: TestProject,
): Promise<(() => Promise<void>) | undefined> {
  if (requestedEngine() !== 'postgresql') return undefined
  const server = await startPostgres({
    log: (message) => console.error(`[db-isolation] ${message}`),
  })
  project.provide('suitekit:postgres-url', server.url)
  return () => server.stop()
}
