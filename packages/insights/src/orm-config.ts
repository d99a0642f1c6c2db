import type { MikroORM, Options } from '@mikro-orm/core'
import { Migrator } from '@mikro-orm/migrations'
import { PostgreSqlDriver } from '@mikro-orm/postgresql'
import type { AbstractSqlDriver } from '@mikro-orm/sql'
import { SqliteDriver } from '@mikro-orm/sqlite'
import { entities } from './entities/index.js'
import { declareTenantPolicy } from './entities/tenant-policy.js'
import { postgresqlMigrations } from './migrations/postgresql/index.js'
import { sqliteMigrations } from './migrations/sqlite/index.js'

/** The engines the Insights model runs on. */
export type InsightsEngine = 'sqlite' | 'postgresql'

/** An ORM of the Insights model. */
export type InsightsOrm = MikroORM<AbstractSqlDriver>

/** Where the database is: a PostgreSQL URL, else a SQLite file. */
export interface DatabaseLocation {
  /** `postgres://…`; when set, `file` is ignored. */
  url?: string | undefined
  /** SQLite database file (`:memory:` for none). */
  file?: string | undefined
}

/** The engine a location means. */
export function engineOf(location: DatabaseLocation): InsightsEngine {
  return location.url ? 'postgresql' : 'sqlite'
}

/** Where the database is, for logs: the engine and the file, or the URL without its password. */
export function describeLocation(location: DatabaseLocation): string {
  if (!location.url) return `SQLite: ${location.file ?? ':memory:'}`
  try {
    const url = new URL(location.url)
    if (url.password) url.password = '***'
    return `PostgreSQL: ${url.toString()}`
  } catch {
    return 'PostgreSQL: (an unparsable DATABASE_URL)'
  }
}

/**
 * The MikroORM options of the Insights model on `engine`, with its checked-in migrations; no
 * connection settings (add `dbName` or `clientUrl`).
 */
export function insightsOrmOptions(engine: InsightsEngine): Partial<Options> {
  return {
    driver: engine === 'sqlite' ? SqliteDriver : PostgreSqlDriver,
    entities,
    extensions: [Migrator],
    migrations: {
      migrationsList: engine === 'sqlite' ? sqliteMigrations : postgresqlMigrations,
      snapshot: false,
      transactional: true,
      allOrNothing: true,
      // the caller reports what was applied (createDatabase's onMigrated)
      silent: true,
    },
    allowGlobalContext: false,
    ...(engine === 'postgresql' ? { discovery: { onMetadata: declareTenantPolicy } } : {}),
  }
}

/** The MikroORM options of the Insights model at `location`. */
export function insightsOrmConfig(location: DatabaseLocation): Partial<Options> {
  const engine = engineOf(location)
  return {
    ...insightsOrmOptions(engine),
    ...(engine === 'postgresql'
      ? { clientUrl: location.url }
      : { dbName: location.file ?? ':memory:' }),
  }
}
