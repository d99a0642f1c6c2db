import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IsolationEscapeError } from '../src/isolation-escape-error.js'
import { createTemplate, type Template } from '../src/template.js'
import { withTestTransaction } from '../src/test-scope.js'
import {
  openDatabaseClone,
  openWorkerDatabase,
  type WorkerDatabase,
} from '../src/worker-database.js'
import { Author, Role, ormConfig, seedRoles } from './schema.js'

describe("sqliteMode: 'file'", () => {
  let cacheDir: string
  let template: Template
  let worker: WorkerDatabase
  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'dbiso-file-'))
    template = await createTemplate({
      config: ormConfig('sqlite'),
      seed: seedRoles,
      seedVersion: 1,
      cacheDir,
      sqliteMode: 'file',
    })
    worker = await openWorkerDatabase(template, { workerId: '1' })
  })
  afterAll(async () => {
    await worker?.close()
    await rm(cacheDir, { recursive: true, force: true })
  })
  const committed = () => worker.orm.em.fork().count(Author)

  it('runs each test in a rolled-back transaction on a file copy of the template, in WAL mode', async () => {
    expect(existsSync(worker.name)).toBe(true)
    const [{ journal_mode }] = await worker.orm.em
      .fork()
      .execute<[{ journal_mode: string }]>('pragma journal_mode')
    expect(journal_mode).toBe('wal')
    await withTestTransaction(worker.orm, async (em) => {
      em.create(Author, { name: 'Ann', email: 'ann@example.com' })
      await em.flush()
      expect(await em.count(Author)).toBe(1)
    })
    expect(await committed()).toBe(0)
    expect(await worker.orm.em.fork().count(Role)).toBe(3)
  })

  it('fails a test during which another connection commits to the file, and replaces the file', async () => {
    const error = await withTestTransaction(
      worker.orm,
      () => {
        const other = new Database(worker.name)
        other
          .prepare("insert into author (name, email) values ('Other', 'other@example.com')")
          .run()
        other.close()
        return Promise.resolve()
      },
      { name: 'another connection' },
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IsolationEscapeError)
    expect((error as Error).message).toBe(
      "a write was committed outside the test transaction (test 'another connection'); " +
        "another connection or process committed it; point it at the test's `em`, or use `isolation: 'database'` for this test",
    )
    expect(await committed()).toBe(0)
    await withTestTransaction(worker.orm, async (em) => expect(await em.count(Author)).toBe(0))
  })

  it('gives each clone a file of its own, deleted on close', async () => {
    const [a, b] = await Promise.all([openDatabaseClone(template), openDatabaseClone(template)])
    expect(a.name).not.toBe(b.name)
    await a.orm.em.fork().execute("insert into author (name, email) values ('A', 'a@example.com')")
    expect(await b.orm.em.fork().count(Author)).toBe(0)
    await Promise.all([a.close(), b.close()])
    expect([existsSync(a.name), existsSync(b.name)]).toEqual([false, false])
  })
})
