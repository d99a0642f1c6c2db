import { performance } from 'node:perf_hooks'
import { PostgreSqlDriver } from '@mikro-orm/postgresql'
import { openDatabaseClone, openWorkerDatabase, startPostgres } from '@suitekit/db-isolation'
import type { EngineBenchOptions, EngineRun } from './engine-run.ts'
import { measureProvisioning } from './provisioning.ts'
import { entities } from './schema.ts'
import { measureBothWays } from './strategies.ts'

/**
 * PostgreSQL on a throwaway cluster (`startPostgres({ url: '' })`, ignoring TEST_DATABASE_URL so that
 * "cold" really is a server without the template), stopped at the end even on error. Template cold
 * then warm; worker database `_w1` for the suitekit strategy; `_w2_clone`, its schema rebuilt without
 * db-isolation's triggers, for the others; a `CREATE DATABASE ... TEMPLATE` clone per test for the
 * clone strategy.
 */
export async function benchPostgres(options: EngineBenchOptions): Promise<EngineRun> {
  options.log('PostgreSQL: starting a throwaway cluster')
  const started = performance.now()
  const server = await startPostgres({ url: '', log: options.log })
  const serverStartMs = performance.now() - started
  try {
    options.log('PostgreSQL: provisioning, cold (fresh server) then warm')
    const config = { driver: PostgreSqlDriver, dbName: 'bench_isolation', entities }
    const { cold, warm, template } = await measureProvisioning(
      { config: { ...config, allowGlobalContext: false }, postgresUrl: server.url },
      options.warmRuns ?? 5,
    )
    const worker = await openWorkerDatabase(template, { workerId: '1' })
    try {
      const plain = await openDatabaseClone(template, { workerId: '2' })
      try {
        // the template carries db-isolation's write-detection triggers: the bare work and the naive
        // strategies run on the app's schema alone, as MikroORM creates it
        await plain.orm.schema.refresh()
        const [row] = await plain.orm.em
          .fork()
          .execute<{ server_version: string }[]>('show server_version')
        const label = `PostgreSQL ${row?.server_version.split(' ')[0] ?? '?'} (${server.source}, fsync off)`
        const { perTest, isolationOnly } = await measureBothWays(
          'PostgreSQL',
          {
            isolated: worker.orm,
            plain: plain.orm,
            clone: () => openDatabaseClone(template, { workerId: '1' }),
          },
          options.iterations,
          options.log,
        )
        return {
          key: 'pg',
          label,
          perTest,
          isolationOnly,
          provisioning: { cold, warm },
          serverStartMs,
        }
      } finally {
        await plain.close()
      }
    } finally {
      await worker.close()
    }
  } finally {
    await server.stop()
  }
}
