import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SqliteDriver } from '@mikro-orm/sqlite'
import { openDatabaseClone, openWorkerDatabase } from '@suitekit/db-isolation'
import type { EngineBenchOptions, EngineRun } from './engine-run.ts'
import { measureProvisioning } from './provisioning.ts'
import { entities } from './schema.ts'
import { measureBothWays } from './strategies.ts'

/**
 * SQLite in memory, the db-isolation way: a template in a fresh cache folder (cold, then warm), the
 * worker's in-memory copy for the suitekit strategy, another unguarded copy for the others.
 */
export async function benchSqliteMemory(options: EngineBenchOptions): Promise<EngineRun> {
  const label = 'SQLite :memory:'
  const cacheDir = await mkdtemp(join(tmpdir(), 'suitekit-bench-isolation-'))
  try {
    options.log(`${label}: provisioning, cold (empty cache folder) then warm`)
    const config = { driver: SqliteDriver, dbName: 'bench_isolation', entities }
    const { cold, warm, template } = await measureProvisioning(
      { config: { ...config, allowGlobalContext: false }, cacheDir },
      options.warmRuns ?? 5,
    )
    const worker = await openWorkerDatabase(template, { workerId: '1' })
    try {
      const plain = await openDatabaseClone(template, { workerId: '1' })
      try {
        const { perTest, isolationOnly } = await measureBothWays(
          label,
          { isolated: worker.orm, plain: plain.orm, clone: () => openDatabaseClone(template) },
          options.iterations,
          options.log,
        )
        return { key: 'sqlite_mem', label, perTest, isolationOnly, provisioning: { cold, warm } }
      } finally {
        await plain.close()
      }
    } finally {
      await worker.close()
    }
  } finally {
    await rm(cacheDir, { recursive: true, force: true })
  }
}
