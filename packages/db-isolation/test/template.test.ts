import { execFile } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { defineEntity, p } from '@mikro-orm/core'
import { Migrator } from '@mikro-orm/migrations'
import { SqliteDriver } from '@mikro-orm/sqlite'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest'
import type { Engine } from '../src/isolation-options.js'
import { createTemplate } from '../src/template.js'
import { openWorkerDatabase } from '../src/worker-database.js'
import { withEnv } from './env.js'
import { Role, entities, ormConfig, seedRoles } from './schema.js'

const run = promisify(execFile)
function postgresUrl(): string {
  const url = inject('suitekit:postgres-url')
  if (!url) throw new Error('test/global-setup.ts provides a PostgreSQL server to every test file')
  return url
}

async function databases(prefix: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: postgresUrl() })
  await client.connect()
  try {
    const { rows } = await client.query<{ datname: string }>(
      'select datname from pg_database where datname like $1 order by datname',
      [`${prefix}%`],
    )
    return rows.map((r) => r.datname)
  } finally {
    await client.end()
  }
}

/** Points at an entity nobody defined: discovery must fail. */
const OrphanSchema = defineEntity({
  name: 'Orphan',
  properties: { id: p.integer().primary(), ghost: () => p.manyToOne('Ghost' as never) },
})

const ExtraSchema = defineEntity({
  name: 'Extra',
  properties: { id: p.integer().primary(), note: p.string() },
})

describe.each<Engine>(['sqlite', 'postgresql'])('createTemplate on %s', (engine) => {
  let cacheDir: string
  let dbName: string
  beforeEach(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'dbiso-cache-'))
    // a fresh name per test: a cold start on PostgreSQL too
    dbName = `tpl${Math.random().toString(36).slice(2, 10)}`
  })
  afterEach(async () => {
    await rm(cacheDir, { recursive: true, force: true })
  })
  const options = (extra: object = {}) => ({
    config: { ...ormConfig(engine), dbName },
    seed: seedRoles,
    seedVersion: 1,
    cacheDir,
    ...extra,
  })

  it('builds once, then reuses the template with no schema work', async () => {
    const cold = await createTemplate(options(), postgresUrl())
    const warm = await createTemplate(options(), postgresUrl())
    expect(cold.built).toBe(true)
    expect(warm).toMatchObject({
      built: false,
      buildMs: 0,
      hash: cold.hash,
      location: cold.location,
    })
    const worker = await openWorkerDatabase(warm, { workerId: '1' })
    try {
      expect(await worker.orm.em.fork().count(Role)).toBe(3)
    } finally {
      await worker.close()
    }
  })

  it('rebuilds when the entities change, and when the seed version changes', async () => {
    const first = await createTemplate(options(), postgresUrl())
    const moreEntities = await createTemplate(
      options({ config: { ...ormConfig(engine), dbName, entities: [...entities, ExtraSchema] } }),
      postgresUrl(),
    )
    const newSeed = await createTemplate(options({ seedVersion: 2 }), postgresUrl())
    expect(new Set([first.hash, moreEntities.hash, newSeed.hash]).size).toBe(3)
    expect([moreEntities.built, newSeed.built]).toEqual([true, true])
  })

  it('keeps a bounded number of templates', async () => {
    for (const seedVersion of [1, 2, 3, 4]) {
      await createTemplate(options({ seedVersion, keepTemplates: 2 }), postgresUrl())
    }
    const kept =
      engine === 'sqlite'
        ? (await readdir(cacheDir)).filter((f) => f.endsWith('.db'))
        : await databases(`${dbName}_tpl_`)
    expect(kept).toHaveLength(2)
  })

  it('keeps no half-built template when the seed throws', async () => {
    const error: unknown = await createTemplate(
      options({
        seed: () => {
          throw new Error('roles table is read-only')
        },
        seedVersion: 'broken',
      }),
      postgresUrl(),
    ).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_TEMPLATE_BUILD' })
    expect((error as Error).message).toBe(
      'the seed threw: roles table is read-only; no template was kept, fix the seed and run again',
    )
    if (engine === 'sqlite') expect(await readdir(cacheDir)).toEqual([])
    else expect(await databases(`${dbName}_tpl_`)).toEqual([])
    // and the next run builds it fine once the seed is fixed
    expect((await createTemplate(options({ seedVersion: 'fixed' }), postgresUrl())).built).toBe(
      true,
    )
  })

  it('lets several processes cold-start at once: one builds, none fails', async () => {
    const script = fileURLToPath(new URL('./fixtures/cold-start.mjs', import.meta.url))
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        run(
          process.execPath,
          [script, engine, engine === 'sqlite' ? '' : postgresUrl(), cacheDir, dbName],
          {
            cwd: fileURLToPath(new URL('..', import.meta.url)),
          },
        ),
      ),
    )
    const outcomes = results.map(
      (r) => JSON.parse(r.stdout.trim()) as { built: boolean; rows: number },
    )
    expect(outcomes.filter((o) => o.built)).toHaveLength(1)
    expect(outcomes.map((o) => o.rows)).toEqual([1, 1, 1])
  })
})

describe('createTemplate from migrations', () => {
  const NoteSchema = defineEntity({
    name: 'Note',
    properties: { id: p.integer().primary(), body: p.text() },
  })
  const migrations = fileURLToPath(new URL('./fixtures/migrations', import.meta.url))

  it('builds the schema from the migration files and hashes them', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'dbiso-mig-'))
    try {
      const template = await createTemplate({
        config: {
          driver: SqliteDriver,
          entities: [NoteSchema],
          extensions: [Migrator],
          migrations: { path: migrations, snapshot: false },
        },
        cacheDir,
      })
      const worker = await openWorkerDatabase(template, { workerId: '1' })
      try {
        const tables = await worker.orm.em
          .fork()
          .execute<{ name: string }[]>(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
          )
        // the migrations table proves the schema came from migrations, not from metadata
        expect(tables.map((t) => t.name)).toEqual(['mikro_orm_migrations', 'note'])
      } finally {
        await worker.close()
      }
      const entitiesOnly = await createTemplate({
        config: { driver: SqliteDriver, entities: [NoteSchema] },
        cacheDir,
      })
      expect(entitiesOnly.hash).not.toBe(template.hash)
    } finally {
      await rm(cacheDir, { recursive: true, force: true })
    }
  })
})

describe('createTemplate errors', () => {
  it.each([
    [
      'allowGlobalContext: true',
      { ...ormConfig('sqlite'), allowGlobalContext: true },
      '`allowGlobalContext: true` lets code use the global EntityManager',
    ],
    [
      'a config with no driver',
      { entities },
      'the MikroORM config names no driver: build it with defineConfig from @mikro-orm/sqlite or @mikro-orm/postgresql',
    ],
    [
      'entities that fail to discover',
      { driver: SqliteDriver, entities: [OrphanSchema] },
      'MikroORM could not start with the test config:',
    ],
  ])('explains %s', async (_case, config, message) => {
    await expect(createTemplate({ config })).rejects.toMatchObject({
      code: 'ERR_CONFIG',
      message: expect.stringContaining(message) as unknown,
    })
  })

  it('explains an unreachable PostgreSQL server', async () => {
    const error: unknown = await createTemplate({
      config: ormConfig('postgresql'),
      postgresUrl: 'postgres://postgres:secret@127.0.0.1:1/postgres',
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_POSTGRES_START' })
    expect((error as Error).message).toMatch(
      /^could not connect to PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/postgres: .*Check TEST_DATABASE_URL/,
    )
  })

  it('explains a PostgreSQL config with no server', () =>
    withEnv({ TEST_DATABASE_URL: undefined }, async () => {
      await expect(createTemplate({ config: ormConfig('postgresql') })).rejects.toThrow(
        'the config uses PostgreSQL but no server was given',
      )
    }))

  it('refuses to run on SQLite when SUITEKIT_TEST_DB asks for PostgreSQL', () =>
    withEnv({ SUITEKIT_TEST_DB: 'postgres' }, async () => {
      await expect(createTemplate({ config: ormConfig('sqlite') })).rejects.toThrow(
        "SUITEKIT_TEST_DB asks for postgresql but the config's driver is SqliteDriver: pass `config` as a function of the engine",
      )
    }))

  it('rejects an unknown engine in SUITEKIT_TEST_DB', () =>
    withEnv({ SUITEKIT_TEST_DB: 'mysql' }, async () => {
      await expect(createTemplate({ config: ormConfig })).rejects.toThrow(
        "SUITEKIT_TEST_DB='mysql' is not an engine: use 'sqlite' or 'postgres'",
      )
    }))
})
