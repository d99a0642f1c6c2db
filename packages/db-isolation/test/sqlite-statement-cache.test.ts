import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTemplate, type Template } from '../src/template.js'
import { withTestTransaction } from '../src/test-scope.js'
import { openWorkerDatabase, type WorkerDatabase } from '../src/worker-database.js'
import { Author, ormConfig, seedRoles } from './schema.js'

// better-sqlite3 compiles a statement on every prepare(); a SQLite worker database hands SQL that
// comes back its statement (SQL seen once is compiled as usual). Both SQLite modes get it.
describe.for(['memory', 'file'] as const)('prepared statements of a SQLite worker (%s)', (mode) => {
  let cacheDir: string
  let template: Template
  let worker: WorkerDatabase
  let native: Database.Database
  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'dbiso-statements-'))
    template = await createTemplate({
      config: ormConfig('sqlite'),
      seed: seedRoles,
      seedVersion: 1,
      cacheDir,
      sqliteMode: mode,
    })
    worker = await openWorkerDatabase(template, { workerId: '1' })
    const connection = worker.orm.driver.getConnection() as unknown as {
      getNativeClient(): Promise<Database.Database>
    }
    native = await connection.getNativeClient()
  })
  /** Prepares `sql` twice, so that from now on it is a cached statement. */
  function cache(sql: string): void {
    native.prepare(sql)
    native.prepare(sql)
  }
  afterAll(async () => {
    await worker?.close()
    await rm(cacheDir, { recursive: true, force: true })
  })

  it('gives SQL that comes back its prepared statement, from the second prepare on', () => {
    const sql = 'select count(*) as n from author'
    const once = native.prepare(sql)
    const cached = native.prepare(sql)
    expect(cached).not.toBe(once)
    expect(native.prepare(sql)).toBe(cached)
    expect(native.prepare(sql)).toBe(cached)
    expect(native.prepare('select count(*) as n from role')).not.toBe(cached)
    expect(cached.get()).toEqual({ n: 0 })
    expect(once.get()).toEqual({ n: 0 })
  })

  it('hands SQL seen once its own statement, and caches no statement of very long SQL', () => {
    const once = native.prepare("select 'seen once' as s")
    // nobody else gets it: what this caller switches on stays its own
    expect(once.pluck().get()).toBe('seen once')
    const long = `select 1 as n /* ${'x'.repeat(5000)} */`
    native.prepare(long)
    expect(native.prepare(long)).not.toBe(native.prepare(long))
    expect(native.prepare(long).get()).toEqual({ n: 1 })
  })

  it('answers as an uncached statement would, test after test', async () => {
    for (const name of ['Ann', 'Bob']) {
      await withTestTransaction(worker.orm, async (em) => {
        em.create(Author, { name, email: `${name.toLowerCase()}@example.com` })
        await em.flush()
        em.clear()
        const found = await em.find(Author, {})
        expect(found.map((a) => a.name)).toEqual([name])
      })
    }
  })

  it('prepares a new statement while the cached one is still iterating', () => {
    const sql = 'select name from role order by name'
    cache(sql)
    const rows = native.prepare(sql).iterate()
    const first = rows.next()
    try {
      // the cached statement is busy: running the same SQL again needs a statement of its own
      expect(native.prepare(sql).all()).toHaveLength(3)
      expect(first.done).toBe(false)
    } finally {
      rows.return?.()
    }
  })

  it('keeps what a caller switches on a statement (pluck, raw, bind) out of the next run of its SQL', () => {
    const sql = 'select name from role order by name limit 1'
    const byName = 'select count(*) as n from role where name = ?'
    cache(sql)
    cache(byName)
    expect(native.prepare(sql).pluck().get()).toBe('admin')
    expect(native.prepare(sql).raw().get()).toEqual(['admin'])
    expect(native.prepare(byName).bind('member').get()).toEqual({ n: 1 })
    // the ORM's next run of the same SQL gets rows as objects, and binds its own parameters
    expect(native.prepare(sql).get()).toEqual({ name: 'admin' })
    expect(native.prepare(byName).get('viewer')).toEqual({ n: 1 })
  })

  it('leaves better-sqlite3 pragma() working', () => {
    expect(native.pragma('user_version', { simple: true })).toBe(0)
    expect(native.prepare('pragma user_version').all()).toEqual([{ user_version: 0 }])
  })

  it('sees a schema change made after a statement was cached', () => {
    const sql = 'select * from role order by name limit 1'
    cache(sql)
    expect(Object.keys(native.prepare(sql).get() as object)).not.toContain('added_later')
    native.exec('savepoint ddl')
    try {
      native.exec("alter table role add column added_later text default 'x'")
      expect(native.prepare(sql).get()).toMatchObject({ added_later: 'x' })
    } finally {
      native.exec('rollback to ddl')
      native.exec('release ddl')
    }
  })
})

describe('sqliteStatementCache: false', () => {
  it('leaves every prepare() compiling anew', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'dbiso-statements-off-'))
    const template = await createTemplate({
      config: ormConfig('sqlite'),
      cacheDir,
      sqliteStatementCache: false,
    })
    const worker = await openWorkerDatabase(template, { workerId: '1' })
    try {
      const connection = worker.orm.driver.getConnection() as unknown as {
        getNativeClient(): Promise<Database.Database>
      }
      const native = await connection.getNativeClient()
      const sql = 'select count(*) as n from author'
      expect(native.prepare(sql)).not.toBe(native.prepare(sql))
    } finally {
      await worker.close()
      await rm(cacheDir, { recursive: true, force: true })
    }
  })
})
