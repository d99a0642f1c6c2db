import type { SqlEntityManager } from '@mikro-orm/sql'
import { inject, test as baseTest, type TaskMeta, type TestAPI } from 'vitest'
import { DbIsolationError } from './errors.js'
import { isIsolationEscape } from './isolation-escape-error.js'
import type { IsolationOptions, SqlMikroORM } from './isolation-options.js'
import { createTemplate, type Template } from './template.js'
import { beginTestScope, type TestScope, type TestScopeOptions } from './test-scope.js'
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

/** Per worker ORM: the release of a scope whose test ended before the scope was ready. */
const releasing = new WeakMap<object, Promise<void>>()

function noop(): void {}

interface NamedTask {
  name: string
  fullTestName?: string
}

/** Thrown by a fixture whose test ended (timed out) while the fixture was being set up. */
function testEnded(task: NamedTask, signal: AbortSignal): DbIsolationError {
  const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason)
  return new DbIsolationError(
    'ERR_TEST_ENDED',
    `test '${task.fullTestName ?? task.name}' ended while its database fixture was being set up (${reason}); the fixture was released without running the test`,
  )
}

/**
 * Hands `value` to the test and releases it afterwards; releases it at once when the test already
 * ended while `value` was being made. vitest's test timeout covers fixture setup, and a fixture that
 * calls `use` after its test's teardown is never torn down: the test transaction would stay open
 * and every later test of the worker would fail with `ERR_CONCURRENT_TESTS`.
 */
async function useWhileTestRuns<T>(
  task: NamedTask,
  signal: AbortSignal,
  value: T,
  use: (value: T) => Promise<void>,
  release: () => Promise<void>,
): Promise<void> {
  if (signal.aborted) {
    // the test has failed already; what release throws (an escape) would be reported nowhere
    await release().catch(() => {})
    throw testEnded(task, signal)
  }
  try {
    await use(value)
  } finally {
    await release().catch((error: unknown) => {
      // a timed-out test's queries still in flight were refused after its rollback: the timeout
      // is the test's failure, and nothing was written
      if (!(signal.aborted && isIsolationEscape(error) && error.details.kind === 'after-test'))
        throw error
    })
  }
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
    orm: async ({ dbWorker, isolation, signal, task }, use) => {
      if (isolation !== 'database') return use(dbWorker.database.orm)
      if (signal.aborted) throw testEnded(task, signal)
      const clone = await openDatabaseClone(dbWorker.template)
      await useWhileTestRuns(task, signal, clone.orm, use, () => clone.close())
    },
    em: [
      async ({ orm, isolation, task, signal }, use) => {
        if (isolation === 'database') return use(orm.em.fork())
        // the scope of a test that timed out during this setup holds the transaction until it is released
        await releasing.get(orm)
        if (signal.aborted) throw testEnded(task, signal)
        const setup = beginTestScope(orm, {
          name: task.fullTestName ?? task.name,
          file: task.file.name,
          beforeTest: options.beforeTest,
        })
        const onTimeout = () => {
          const release = setup.then((scope) => scope.end()).then(noop, noop)
          releasing.set(orm, release)
        }
        signal.addEventListener('abort', onTimeout, { once: true })
        let scope: TestScope
        try {
          scope = await setup
        } finally {
          signal.removeEventListener('abort', onTimeout)
        }
        await useWhileTestRuns(task, signal, scope.em, use, () => scope.end())
      },
      { auto: true },
    ],
  })
}
