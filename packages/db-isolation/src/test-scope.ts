import { TransactionContext, type MikroORM } from '@mikro-orm/core'
import type { AbstractSqlConnection, SqlEntityManager } from '@mikro-orm/sql'
import { DbIsolationError } from './errors.js'
import { IsolationEscapeError } from './isolation-escape-error.js'
import type { CommittedWrite } from './internal/write-backstop.js'
import {
  installConnectionGuard,
  type ConnectionGuard,
  type GuardedTest,
} from './internal/connection-guard.js'
import { useIsolatedEntityManager } from './internal/isolated-entity-manager.js'

/** Options of {@link beginTestScope} and {@link withTestTransaction}. */
export interface TestScopeOptions {
  /** Test name, shown in escape errors. @default 'unnamed test' */
  name?: string | undefined
  /** The test's file, shown in escape errors. */
  file?: string | undefined
  /**
   * Runs inside the transaction before the test, e.g. tenant context for row-level security:
   * `em => em.execute("select set_config('app.org_id', '42', true)")`.
   */
  beforeTest?: ((em: SqlEntityManager) => unknown) | undefined
}

/** One test's transaction: use `em`, then call `end()` (rolls back, reports escapes). */
export interface TestScope {
  /** A fresh EntityManager inside the test transaction. */
  readonly em: SqlEntityManager
  /** @internal the guard's view of the test */
  readonly test: GuardedTest
  /**
   * Checks deferred constraints, rolls back and clears the identity map. Throws the first escape
   * the test caused (even if app code caught it), or a deferred constraint violation.
   */
  end(): Promise<void>
}

interface Prepared {
  guard: ConnectionGuard
  /** SQL checking deferred constraints; false when the schema has none; undefined until looked up. */
  deferredCheck: string | false | undefined
  /** The test holding this ORM's transaction (its name is known before its scope exists). */
  open: { name: string } | undefined
  backstop: Backstop | undefined
}

/** Database-side detection of writes committed outside the ORM (PostgreSQL triggers). */
export interface Backstop {
  /** Writes committed since the last call. */
  drain(): Promise<CommittedWrite[]>
  /** Restores a clean worker database after such a write. */
  repair(): Promise<void>
}

/** @internal lets openWorkerDatabase plug in the PostgreSQL write triggers' listener */
export function attachBackstop(orm: MikroORM, backstop: Backstop): void {
  prepareForIsolation(orm)
  prepared.get(orm)!.backstop = backstop
}

const prepared = new WeakMap<MikroORM, Prepared>()

/**
 * Prepares `orm` for per-test transactions: app forks join the test transaction and queries that
 * would escape it fail. Idempotent; {@link beginTestScope} calls it. Call it right after
 * `MikroORM.init` when app code will hold on to `orm.em` before the first test.
 */
export function prepareForIsolation(orm: MikroORM): void {
  if (prepared.has(orm)) return
  useIsolatedEntityManager(orm)
  prepared.set(orm, {
    guard: installConnectionGuard(orm),
    deferredCheck: undefined,
    open: undefined,
    backstop: undefined,
  })
}

/**
 * Begins a test's transaction on `orm` (one pinned connection) and returns a fresh EntityManager in
 * it. While the scope is open, `orm.em.fork()`, `RequestContext.create(orm.em, ...)`,
 * `em.transactional()` (savepoints) and `em.begin()/commit()` all join it.
 */
export async function beginTestScope(
  orm: MikroORM,
  options: TestScopeOptions = {},
): Promise<TestScope> {
  prepareForIsolation(orm)
  const state = prepared.get(orm)!
  const name = options.name ?? 'unnamed test'
  if (state.open) {
    throw new DbIsolationError(
      'ERR_CONCURRENT_TESTS',
      `test '${name}' started while test '${state.open.name}' still holds the test transaction of this worker's database; ` +
        "run the tests of a file one after the other (no test.concurrent), or use `isolation: 'database'`",
    )
  }
  // claimed before the first await: two tests starting at once must not both get past the check
  state.open = { name }
  let test: GuardedTest
  try {
    if (state.deferredCheck === undefined) state.deferredCheck = await findDeferredCheck(orm)
    test = await state.guard.beginTest(name, options.file)
  } catch (error) {
    state.open = undefined
    throw error
  }
  // the global EntityManager carries the transaction too, so that every fork of it joins
  orm.em.setTransactionContext(test.root)
  const em = orm.em.fork({ clear: true }) as SqlEntityManager
  const deferredCheck = state.deferredCheck

  let ended = false
  const scope: TestScope = {
    em,
    test,
    async end() {
      if (ended) return
      ended = true
      let violation: DbIsolationError | undefined
      try {
        if (deferredCheck && test.escapes.length === 0) {
          const rows = await sqlConnection(orm).execute<unknown[]>(
            deferredCheck,
            [],
            'all',
            test.root as Parameters<AbstractSqlConnection['execute']>[3],
          )
          if (rows.length > 0) violation = deferredViolation(name, rows)
        }
      } catch (error) {
        // 25P02: the test's own failed statement aborted the transaction (e.g. an expected unique
        // violation): nothing can be checked or committed, as a real COMMIT would roll back too
        if (!isAbortedTransaction(error)) violation = deferredViolation(name, [], error)
      } finally {
        em.clear()
        orm.em.resetTransactionContext()
        state.open = undefined
        const [, committed] = await Promise.all([
          state.guard.endTest(test),
          state.backstop?.drain(),
        ])
        if (committed && committed.length > 0) {
          const [write] = committed
          test.escapes.unshift(
            new IsolationEscapeError({
              kind: 'committed-elsewhere',
              // PostgreSQL's trigger names both; SQLite's data_version knows only that something was written
              table: write!.table || undefined,
              statement: write!.statement || undefined,
              test: name,
              file: options.file,
            }),
          )
          await state.backstop!.repair()
        }
      }
      const [escape] = test.escapes
      if (escape) throw escape
      if (violation) throw violation
    },
  }
  if (options.beforeTest) {
    try {
      await state.guard.runInTest(test, () =>
        TransactionContext.create(em, () => Promise.resolve(options.beforeTest!(em))),
      )
    } catch (error) {
      await scope.end().catch(() => {})
      throw error
    }
  }
  return scope
}

/**
 * Runs `fn` in a transaction that is rolled back afterwards, with `orm.em` resolving to the test's
 * EntityManager inside it. Throws what `fn` throws, or the first escape it caused.
 *
 * @example
 * await withTestTransaction(orm, async (em) => {
 *   em.create(Project, { name: 'p' })
 *   await em.flush()
 * }) // nothing is left in the database
 */
export async function withTestTransaction<T>(
  orm: MikroORM,
  fn: (em: SqlEntityManager) => Promise<T> | T,
  options: TestScopeOptions = {},
): Promise<T> {
  const scope = await beginTestScope(orm, options)
  const guard = prepared.get(orm)!.guard
  let result: T
  try {
    result = await guard.runInTest(scope.test, () =>
      TransactionContext.create(scope.em, async () => fn(scope.em)),
    )
  } catch (error) {
    // an escape explains the failure better than what it made the app throw
    await scope.end()
    throw error
  }
  await scope.end()
  return result
}

/** SQL that reports deferred constraint violations, or false when the schema has none to defer. */
async function findDeferredCheck(orm: MikroORM): Promise<string | false> {
  const connection = sqlConnection(orm)
  const platform = orm.driver.getPlatform().constructor.name
  if (/postgre/i.test(platform)) {
    const rows = await connection.execute<unknown[]>(
      "select 1 from pg_constraint c join pg_namespace n on n.oid = c.connamespace where c.condeferrable and n.nspname not in ('pg_catalog', 'information_schema') limit 1",
    )
    // raises the violation, if any, at this statement instead of at a COMMIT that never comes
    return rows.length > 0 ? 'set constraints all immediate' : false
  }
  if (/sqlite/i.test(platform)) {
    const rows = await connection.execute<unknown[]>(
      "select 1 from sqlite_master where sql like '%deferrable%initially deferred%' limit 1",
    )
    return rows.length > 0 ? 'pragma foreign_key_check' : false
  }
  return false
}

function isAbortedTransaction(error: unknown): boolean {
  const { code, sqlState } = error as { code?: unknown; sqlState?: unknown }
  return code === '25P02' || sqlState === '25P02'
}

function sqlConnection(orm: MikroORM): AbstractSqlConnection {
  return orm.driver.getConnection('write') as AbstractSqlConnection
}

function deferredViolation(name: string, rows: unknown[], cause?: unknown): DbIsolationError {
  const detail =
    cause instanceof Error
      ? cause.message
      : `rows violating foreign keys: ${JSON.stringify(rows.slice(0, 5))}`
  return new DbIsolationError(
    'ERR_DEFERRED_CONSTRAINT',
    `test '${name}' left a deferred constraint violated (it would have failed at COMMIT, which a rolled-back test never reaches): ${detail}`,
    { cause },
  )
}
