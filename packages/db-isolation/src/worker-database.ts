import { initOrm } from './internal/init-orm.js'
import type { SqlMikroORM } from './isolation-options.js'
import { cloneTemplate, databaseConfig, releaseDatabase } from './internal/postgres-engine.js'
import { openSqliteCopy } from './internal/sqlite-engine.js'
import { openSqliteFileCopy } from './internal/sqlite-file-copy.js'
import { attachBackstop, prepareForIsolation } from './test-scope.js'
import { listenForCommittedWrites } from './internal/write-backstop.js'
import type { Template } from './template.js'
import { workerDatabaseName } from './worker-database-name.js'
import { cacheStatements } from './internal/sqlite-statement-cache.js'

/** A database of the template's schema and seed, with an ORM connected to it. */
export interface WorkerDatabase {
  readonly orm: SqlMikroORM
  /** SQLite: ':memory:', or the file copy's path in file mode. PostgreSQL: the database name. */
  readonly name: string
  /** True when an earlier run's clean worker database was reused (PostgreSQL). */
  readonly reused: boolean
  /** Time from the call to a connected ORM. */
  readonly readyMs: number
  /** Closes the ORM; a PostgreSQL worker database is kept (marked clean) for the next run, a clone is dropped. */
  close(): Promise<void>
}

/** Options of {@link openWorkerDatabase}. */
export interface WorkerDatabaseOptions {
  /** Worker slot, for the database name. @default process.env.VITEST_POOL_ID ?? '1' */
  workerId?: string | undefined
}

/**
 * The database of one vitest worker, ready for per-test transactions: SQLite, a private in-memory
 * copy of the template image; PostgreSQL, `<template family>_w<id>` cloned from the template (or an
 * earlier run's clean one, reused).
 */
export async function openWorkerDatabase(
  template: Template,
  options: WorkerDatabaseOptions = {},
): Promise<WorkerDatabase> {
  const started = performance.now()
  const id = options.workerId ?? process.env.VITEST_POOL_ID ?? '1'
  let name: string | undefined = `w${id}`
  let keep = true
  if (template.postgres) {
    name = workerDatabaseName(template.postgres.family, id)
    // this process has that one open already (a second ORM for the same worker): a private copy
    if (openHere.has(name)) {
      name = `${name}_p${process.pid}_${++copies}`
      keep = false
    }
  }
  const database = await openCopy(template, name, { watch: true, keep })
  prepareForIsolation(database.orm)
  return { ...database, readyMs: performance.now() - started }
}

/**
 * A fresh copy of the template for one test that needs real commits (`isolation: 'database'`):
 * LISTEN/NOTIFY, SKIP LOCKED across connections, non-transactional DDL. Seed rows are there.
 * `close()` deletes it.
 */
export async function openDatabaseClone(
  template: Template,
  options: WorkerDatabaseOptions = {},
): Promise<WorkerDatabase> {
  const id = options.workerId ?? process.env.VITEST_POOL_ID ?? '1'
  // unique per call: clones are never shared, not even by two open at once in one process
  const name = template.postgres
    ? `${workerDatabaseName(template.postgres.family, id)}_c${process.pid}_${++copies}`
    : `w${id}-c${++copies}`
  return openCopy(template, name, { watch: false, keep: false })
}

/** PostgreSQL databases this process has open, so that it never drops one of its own. */
const openHere = new Set<string>()
let copies = 0

/**
 * `name`: the PostgreSQL database, or the SQLite file copy's name part. `watch`: catch writes committed by
 * other connections (transaction-isolated databases). `keep`: leave it for the next run to reuse.
 */
async function openCopy(
  template: Template,
  name: string,
  { watch, keep }: { watch: boolean; keep: boolean },
): Promise<WorkerDatabase> {
  const started = performance.now()
  const { resolved } = template
  if (template.sqlite && resolved.sqliteMode === 'file') {
    const copy = await openSqliteFileCopy(template.sqlite, resolved, name, watch)
    const { orm, path } = copy
    return {
      orm,
      name: path,
      reused: false,
      readyMs: performance.now() - started,
      close: () => copy.close(),
    }
  }
  if (template.sqlite) {
    const orm = await openSqliteCopy(template.sqlite, resolved.config)
    if (!(await orm.isConnected())) await orm.connect()
    if (resolved.sqliteStatementCache) await cacheStatements(orm)
    return {
      orm,
      name: ':memory:',
      reused: false,
      readyMs: performance.now() - started,
      close: () => orm.close(),
    }
  }
  const postgres = template.postgres!
  // claimed before the clone: a second open of the same name in this process must not drop this one
  openHere.add(name)
  let cloned: { database: string; reused: boolean }
  try {
    cloned = await cloneTemplate(resolved, postgres, name, keep)
  } catch (error) {
    openHere.delete(name)
    throw error
  }
  const { database, reused } = cloned
  if (database !== name) {
    openHere.delete(name)
    openHere.add(database)
  }
  const orm = await initOrm(databaseConfig(resolved, database))
  await orm.connect()
  // a clone for one test commits for real: nothing to watch there
  let backstop = watch ? await listenForCommittedWrites(orm) : undefined
  if (backstop) {
    attachBackstop(orm, {
      drain: () => backstop!.drain(),
      async repair() {
        // the worker database holds committed rows now: replace it with a fresh clone, same name
        await backstop!.close()
        await orm.close()
        await cloneTemplate(resolved, postgres, database, false)
        await orm.connect()
        backstop = await listenForCommittedWrites(orm)
        resolved.log(
          `replaced worker database ${database} after a write committed outside the test transaction`,
        )
      },
    })
  }
  return {
    orm,
    name: database,
    reused,
    readyMs: performance.now() - started,
    async close() {
      // a write committed after the last test: the next run must not reuse this database
      const committed = (await backstop?.drain())?.length ?? 0
      await backstop?.close()
      await orm.close()
      openHere.delete(database)
      // a worker's database is kept for the next run; private copies, clones and dirty ones are dropped
      await releaseDatabase(resolved, database, keep && database === name && committed === 0)
    },
  }
}
