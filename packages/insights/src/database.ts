import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { MikroORM } from '@mikro-orm/core'
import type { Resource } from '@suitekit/lifespan'
import {
  engineOf,
  insightsOrmConfig,
  type DatabaseLocation,
  type InsightsEngine,
  type InsightsOrm,
} from './orm-config.js'

/** The app's database as a lifespan resource; `orm` is set once the resource has started. */
export interface DatabaseResource extends Resource {
  readonly engine: InsightsEngine
  readonly orm: InsightsOrm
  /** Runs a trivial query: throws when the database cannot answer. */
  ping(): Promise<void>
}

/** Options of {@link createDatabase}. */
export interface CreateDatabaseOptions {
  /** Told the names of the migrations applied on start (none when the schema was current). */
  onMigrated?: ((names: string[]) => void) | undefined
}

/**
 * The Insights database as a lifespan resource: PostgreSQL at `location.url`, else the SQLite file
 * `location.file`. On start it creates what is missing (the SQLite file and its folder, the
 * PostgreSQL database) and applies the pending migrations.
 */
export function createDatabase(
  location: DatabaseLocation,
  options: CreateDatabaseOptions = {},
): DatabaseResource {
  const engine = engineOf(location)
  let orm: InsightsOrm | undefined
  return {
    name: 'database',
    engine,
    get orm() {
      if (!orm) throw new Error('the database is not started yet')
      return orm
    },
    async start() {
      const file = location.file
      if (engine === 'sqlite' && file && file !== ':memory:') {
        await mkdir(dirname(file), { recursive: true })
      }
      const started = (await MikroORM.init(insightsOrmConfig(location))) as InsightsOrm
      try {
        if (engine === 'postgresql') await started.schema.ensureDatabase()
        const applied = await started.migrator.up()
        options.onMigrated?.(applied.map((m) => m.name))
      } catch (error) {
        await started.close(true)
        throw error
      }
      orm = started
    },
    async stop() {
      await orm?.close()
      orm = undefined
    },
    async ping() {
      if (!orm) throw new Error('the database is not started')
      await orm.em.fork().execute('select 1')
    },
  }
}
