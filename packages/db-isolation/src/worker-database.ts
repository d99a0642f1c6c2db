import { initOrm } from './internal/init-orm.js'
import type { SqlMikroORM } from './isolation-options.js'
import { cloneTemplate, databaseConfig, releaseDatabase } from './internal/postgres-engine.js'
import { openSqliteCopy } from './internal/sqlite-engine.js'
import { attachBackstop, prepareForIsolation } from './test-scope.js'
import { listenForCommittedWrites } from './internal/write-backstop.js'
import type { Template } from './template.js'
import { workerDatabaseName } from './worker-database-name.js'

/** A database of the template's schema and seed, with an ORM connected to it. */
export interface WorkerDatabase {
  readonly orm: SqlMikroORM
  /** SQLite: ':memory:'. PostgreSQL: the database name. */
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
  const database = await openCopy(
    template,
    options.workerId ?? process.env.VITEST_POOL_ID ?? '1',
    true,
  )
  prepareForIsolation(database.orm)
  return database
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
  return openCopy(template, `${options.workerId ?? process.env.VITEST_POOL_ID ?? '1'}_clone`, false)
}

async function openCopy(template: Template, id: string, keep: boolean): Promise<WorkerDatabase> {
  const started = performance.now()
  const { resolved } = template
  if (template.sqlite) {
    const orm = await openSqliteCopy(template.sqlite, resolved.config)
    await orm.connect()
    return {
      orm,
      name: ':memory:',
      reused: false,
      readyMs: performance.now() - started,
      close: () => orm.close(),
    }
  }
  const postgres = template.postgres!
  const wanted =
    workerDatabaseName(postgres.family, id.replace(/_clone$/, '')) + (keep ? '' : '_clone')
  const { database, reused } = await cloneTemplate(resolved, postgres, wanted, keep)
  const orm = await initOrm(databaseConfig(resolved, database))
  await orm.connect()
  // a clone for one test commits for real: nothing to watch there
  let backstop = keep ? await listenForCommittedWrites(orm) : undefined
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
      await backstop?.close()
      await orm.close()
      await releaseDatabase(resolved, database, keep && database === wanted)
    },
  }
}
