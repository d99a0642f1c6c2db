// The equivalent of `alembic check`: on each engine, the checked-in migrations build exactly the
// schema the entities describe.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MikroORM } from '@mikro-orm/core'
import { PostgreSqlDriver } from '@mikro-orm/postgresql'
import { startPostgres, type PostgresServer } from '@suitekit/db-isolation'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabase } from '../src/database.js'
import { insightsOrmOptions, type InsightsEngine, type InsightsOrm } from '../src/orm-config.js'

const FIX =
  'run `pnpm --filter @suitekit/insights migration:create <name>` and commit the files it writes'

let dir: string
let postgres: PostgresServer
const databases: string[] = []
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'insights-migrations-'))
  postgres = await startPostgres()
}, 60_000)
afterAll(async () => {
  // the PostgreSQL databases, from the maintenance database (a server the user gave keeps no leftovers)
  if (postgres && databases.length > 0) {
    const admin = await MikroORM.init({
      driver: PostgreSqlDriver,
      clientUrl: postgres.url,
      entities: [],
      discovery: { warnWhenNoEntities: false },
    })
    for (const name of databases)
      await admin.em.getConnection().execute(`drop database if exists "${name}"`)
    await admin.close(true)
  }
  await postgres?.stop()
  await rm(dir, { recursive: true, force: true })
})

/** The URL of database `name` on the test server. */
function postgresUrl(name: string): string {
  const url = new URL(postgres.url)
  url.pathname = `/${name}`
  return url.toString()
}

/** A new, empty database of `engine` with every migration applied. */
async function migratedOrm(engine: InsightsEngine): Promise<InsightsOrm> {
  const name = `insights_check_${process.pid}_${databases.length}`
  const location =
    engine === 'sqlite' ? { dbName: join(dir, `${name}.sqlite`) } : { clientUrl: postgresUrl(name) }
  if (engine === 'postgresql') databases.push(name)
  const orm = (await MikroORM.init({ ...insightsOrmOptions(engine), ...location })) as InsightsOrm
  await orm.schema.ensureDatabase()
  await orm.migrator.up()
  return orm
}

describe.each(['sqlite', 'postgresql'] as const)('migrations on %s', (engine) => {
  it('build the schema the entities describe', async () => {
    const orm = await migratedOrm(engine)
    try {
      const drift = await orm.schema.getUpdateSchemaSQL({ wrap: false })
      expect(drift, `the entities and the ${engine} migrations disagree; ${FIX}`).toBe('')
      expect(await orm.migrator.getPending()).toEqual([])
    } finally {
      await orm.close(true)
    }
  })

  it('are undone by their down migrations', async () => {
    const orm = await migratedOrm(engine)
    try {
      await orm.migrator.down({ to: 0 })
      // an empty database again: bringing it to the entities means creating everything
      const statements = (sql: string) => sql.split('\n').filter(Boolean).sort()
      expect(statements(await orm.schema.getUpdateSchemaSQL({ wrap: false }))).toEqual(
        statements(await orm.schema.getCreateSchemaSQL({ wrap: false })),
      )
    } finally {
      await orm.close(true)
    }
  })
})

describe('createDatabase on postgresql', () => {
  it('creates the database named in the URL and applies the migrations on start', async () => {
    const name = `insights_start_${process.pid}`
    databases.push(name)
    const applied: string[][] = []
    const database = createDatabase(
      { url: postgresUrl(name) },
      { onMigrated: (names) => applied.push(names) },
    )
    expect(database.engine).toBe('postgresql')
    await database.start()
    try {
      await database.ping()
      const tables = await database.orm.em
        .fork()
        .execute<{ table_name: string }[]>(
          "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
        )
      expect(tables.map((t) => t.table_name)).toEqual([
        'api_token',
        'app_user',
        'mikro_orm_migrations',
        'organization',
        'project',
        'run',
        'test_result',
        'upload',
      ])
      expect(applied).toEqual([
        [
          expect.stringMatching(/^Migration\d+_initial$/),
          expect.stringMatching(/^Migration\d+_row_level_security$/),
        ],
      ])
    } finally {
      await database.stop()
    }
  })
})
