import type { SqlEntityManager } from '@mikro-orm/sql'
import { inject, test as baseTest, type TaskMeta, type TestAPI } from 'vitest'
import type { IsolationOptions, SqlMikroORM } from './isolation-options.js'
import { createTemplate, type Template } from './template.js'
import { beginTestScope, type TestScopeOptions } from './test-scope.js'
import { openDatabaseClone, openWorkerDatabase, type WorkerDatabase } from './worker-database.js'

/** How a test is isolated: a rolled-back transaction (default) or a fresh copy of the template. */
export type Isolation = 'transaction' | 'database'

declare module 'vitest' {
  interface ProvidedContext {
    /** Set by `@suitekit/db-isolation/global-setup` when it started (or was given) a PostgreSQL server. */
    'suitekit:postgres-url'?: string
  }
  interface TaskMeta {
    /** `'database'`: this test gets a fresh copy of the template and may commit. */
    isolation?: Isolation
  }
}

/**
 * The nearest `meta.isolation`, from the test up through its suites: per test, or per `describe`
 * (a whole file: wrap it in one). Read from the task tree, never from shared state, so one file's
 * choice cannot leak into the next file a reused worker runs.
 */
function isolationOf(task: {
  meta: TaskMeta
  suite?: { meta: TaskMeta; suite?: unknown } | undefined
}): Isolation {
  for (let at: typeof task | undefined = task; at; at = at.suite as typeof task | undefined) {
    if (at.meta.isolation) return at.meta.isolation
  }
  return 'transaction'
}

/** Options of {@link dbTest}: how the databases are built, and a per-test hook. */
export interface DbTestOptions extends IsolationOptions {
  /** Runs inside each test's transaction first (tenant context for row-level security). */
  beforeTest?: TestScopeOptions['beforeTest']
}

/** What one vitest worker keeps for its whole life: the template and its database. */
export interface DbWorker {
  template: Template
  database: WorkerDatabase
}

/** The fixtures {@link dbTest} adds to the test context. */
export interface DbTestContext {
  /** The worker's template and database (worker-scoped). */
  dbWorker: DbWorker
  /** How this test is isolated. */
  isolation: Isolation
  /** The ORM of the worker database, or of this test's own copy under `isolation: 'database'`. */
  orm: SqlMikroORM
  /** A fresh EntityManager in this test's transaction. */
  em: SqlEntityManager
}

/**
 * A vitest `test` with database fixtures: `orm` (the worker's ORM) and `em` (a fresh EntityManager
 * in the test's transaction, rolled back afterwards). Every test of a file that uses it runs in a
 * transaction, whether or not it asks for `em`. A test with `{ meta: { isolation: 'database' } }`
 * (or every test of a `describe` with that `meta`) gets a fresh copy of the template instead.
 *
 * @example
 * export const test = dbTest({ config: ormConfig, seed: seedRoles })
 * test('creates a project', async ({ em }) => { ... })
 */
export function dbTest(options: DbTestOptions): TestAPI<DbTestContext> {
  return baseTest.extend<DbTestContext>({
    dbWorker: [
      // vitest reads a fixture's dependencies from this pattern: it must be an object pattern
      // eslint-disable-next-line no-empty-pattern
      async ({}, use) => {
        const template = await createTemplate(options, inject('suitekit:postgres-url'))
        const database = await openWorkerDatabase(template)
        try {
          await use({ template, database })
        } finally {
          await database.close()
        }
      },
      { scope: 'worker' },
    ],
    isolation: async ({ task }, use) => use(isolationOf(task)),
    orm: async ({ dbWorker, isolation }, use) => {
      if (isolation !== 'database') return use(dbWorker.database.orm)
      const clone = await openDatabaseClone(dbWorker.template)
      try {
        await use(clone.orm)
      } finally {
        await clone.close()
      }
    },
    em: [
      async ({ orm, isolation, task }, use) => {
        if (isolation === 'database') return use(orm.em.fork())
        const scope = await beginTestScope(orm, {
          name: task.fullTestName ?? task.name,
          file: task.file.name,
          beforeTest: options.beforeTest,
        })
        try {
          await use(scope.em)
        } finally {
          await scope.end()
        }
      },
      { auto: true },
    ],
  })
}
