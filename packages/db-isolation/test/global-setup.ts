// db-isolation's own suite runs every engine in every run: always start a PostgreSQL
// (or use TEST_DATABASE_URL) and hand its URL to the workers.
import type { TestProject } from 'vitest/node'
import { startPostgres } from '../src/postgres-server.js'
import type {} from '../src/vitest.js'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres({ log: (m) => console.error(`[db-isolation tests] ${m}`) })
  project.provide('suitekit:postgres-url', server.url)
  return () => server.stop()
}
