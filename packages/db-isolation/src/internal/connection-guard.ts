import { AsyncLocalStorage } from 'node:async_hooks'
import type { MikroORM } from '@mikro-orm/core'
import { IsolationEscapeError, tableOf, type EscapeDetails } from '../isolation-escape-error.js'

/** The Kysely transaction object MikroORM passes around as `ctx`. */
type Trx = object

/** What the guard patches on MikroORM's SQL connection (`@mikro-orm/sql` AbstractSqlConnection). */
interface GuardedConnection {
  begin(options?: { ctx?: Trx; [key: string]: unknown }): Promise<Trx>
  commit(ctx: Trx, ...rest: unknown[]): Promise<void>
  rollback(ctx: Trx, ...rest: unknown[]): Promise<void>
  execute(
    query: unknown,
    params?: unknown,
    method?: unknown,
    ctx?: Trx,
    ...rest: unknown[]
  ): Promise<unknown>
  stream(
    query: unknown,
    params?: unknown,
    ctx?: Trx,
    ...rest: unknown[]
  ): AsyncIterableIterator<unknown>
  transactional(cb: (trx: Trx) => Promise<unknown>, options?: { ctx?: Trx }): Promise<unknown>
}

/**
 * Stand-ins returned instead of a second top-level transaction opened during a test: its first
 * statement is then reported with its table, and nothing can hang (SQLite) or commit (PostgreSQL).
 */
const escapedTransactions = new WeakMap<object, TestState>()

/** Savepoint -> the transaction it was made in, for every savepoint of a guarded test. */
const parents = new WeakMap<object, Trx>()

/** The transaction a guarded savepoint was made in, if `trx` is one. */
export function parentTransaction(trx: unknown): unknown {
  return typeof trx === 'object' && trx !== null ? parents.get(trx) : undefined
}

/** One test's transaction as the guard sees it. */
export interface GuardedTest {
  readonly name: string
  readonly file: string | undefined
  readonly root: Trx
  /** Escapes seen during the test, thrown at its end even if app code swallowed them. */
  readonly escapes: IsolationEscapeError[]
}

interface Savepoint {
  trx: Trx
  parent: Trx
  seq: number
  open: boolean
}

interface TestState extends GuardedTest {
  active: boolean
  savepoints: Map<Trx, Savepoint>
  seq: number
}

/** Guards one ORM's connections; created by {@link installConnectionGuard}. */
export interface ConnectionGuard {
  /** Begins the test transaction (exempt from the checks) and starts tracking it. */
  beginTest(name: string, file: string | undefined): Promise<GuardedTest>
  /** Runs `fn` as part of `test`: queries in it are attributed to that test. */
  runInTest<T>(test: GuardedTest, fn: () => Promise<T>): Promise<T>
  /** Rolls the test transaction back and stops tracking it. */
  endTest(test: GuardedTest): Promise<void>
}

/**
 * Patches the ORM's SQL connection(s) so that, while a test transaction is open, every query must
 * run on that transaction or one of its savepoints. A query that would not (a fork without the
 * transaction, REQUIRES_NEW, a second top-level `begin`) fails at once, before Kysely takes the
 * SQLite connection mutex (where it would hang) or a second pooled Postgres connection (where it
 * would commit). `em.begin()` without a parent joins the test transaction as a savepoint.
 */
export function installConnectionGuard(orm: MikroORM): ConnectionGuard {
  const tests = new Set<TestState>()
  const owner = new WeakMap<Trx, TestState>()
  const current = new AsyncLocalStorage<TestState>()
  let harnessBegin = false
  let viaTransactional = false

  const driver = orm.driver as unknown as {
    getConnection(type: 'write' | 'read'): GuardedConnection
    replicas?: GuardedConnection[]
  }
  const connections = new Set([driver.getConnection('write'), ...(driver.replicas ?? [])])

  function openTest(): TestState | undefined {
    for (const test of tests) if (test.active) return test
    return undefined
  }

  /** Records an escape on the test it belongs to and returns the error to throw. */
  function escape(
    details: Omit<EscapeDetails, 'test' | 'file'>,
    test: TestState | undefined,
  ): IsolationEscapeError {
    const table = details.table ?? (details.statement ? tableOf(details.statement) : undefined)
    const error = new IsolationEscapeError({
      ...details,
      table,
      test: test?.name,
      file: test?.file,
    })
    test?.escapes.push(error)
    return error
  }

  /** Checks a query's ctx; returns the error to throw, if any. */
  function check(sql: string | undefined, ctx: Trx | undefined): IsolationEscapeError | undefined {
    const escaped = ctx ? escapedTransactions.get(ctx) : undefined
    if (escaped) return escape({ kind: 'new-transaction', statement: sql }, escaped)
    const owned = ctx ? owner.get(ctx) : undefined
    // the hot path: a query on the running test's transaction does no more work than this
    if (owned)
      return owned.active ? undefined : escape({ kind: 'after-test', statement: sql }, owned)
    const running = current.getStore()
    if (running) {
      const kind = running.active ? 'outside-transaction' : 'after-test'
      return escape({ kind, statement: sql }, running)
    }
    const open = openTest()
    if (open) return escape({ kind: 'outside-transaction', statement: sql }, open)
    // no test is running: reads are harmless, anything else would commit into the shared worker database
    if (sql === undefined || isRead(sql)) return undefined
    return escape({ kind: 'outside-test', statement: sql }, undefined)
  }

  for (const connection of connections) {
    const original = {
      begin: connection.begin.bind(connection),
      commit: connection.commit.bind(connection),
      rollback: connection.rollback.bind(connection),
      execute: connection.execute.bind(connection),
      stream: connection.stream.bind(connection),
      transactional: connection.transactional.bind(connection),
    }

    connection.transactional = function (cb, options) {
      // AbstractSqlConnection.transactional calls this.begin synchronously as its first step
      viaTransactional = true
      try {
        return original.transactional(cb, options)
      } finally {
        viaTransactional = false
      }
    }

    connection.begin = async function (options = {}) {
      const fromTransactional = viaTransactional
      viaTransactional = false
      if (harnessBegin) {
        harnessBegin = false
        return original.begin(options)
      }
      const parent = options.ctx
      if (parent && escapedTransactions.has(parent)) {
        // a savepoint inside an escaped transaction: stays escaped
        const stand = {}
        escapedTransactions.set(stand, escapedTransactions.get(parent)!)
        return stand
      }
      if (parent) {
        const state = owner.get(parent)
        if (!state) return original.begin(options)
        if (!state.active) throw escape({ kind: 'after-test', statement: 'savepoint' }, undefined)
        return savepoint(original.begin, state, parent, options)
      }
      const test = current.getStore() ?? openTest()
      if (!test) return original.begin(options)
      if (!test.active) throw escape({ kind: 'after-test', statement: 'begin' }, test)
      if (fromTransactional) {
        const stand = {}
        escapedTransactions.set(stand, test)
        return stand
      }
      // em.begin() without a parent: join the test transaction as a savepoint
      return savepoint(original.begin, test, test.root, options)
    }

    connection.rollback = async function (ctx, ...rest) {
      if (escapedTransactions.has(ctx)) return
      const state = owner.get(ctx)
      const point = state?.savepoints.get(ctx)
      if (state && point) {
        point.open = false
        const undone = [...state.savepoints.values()].filter(
          (other) => other.seq > point.seq && !descendsFrom(state, other.trx, ctx),
        )
        // recorded, not thrown: the rollback must still happen, and the test fails at its end
        if (undone.length > 0) escape({ kind: 'concurrent-savepoints' }, state)
      }
      return original.rollback(ctx, ...rest)
    }

    connection.commit = async function (ctx, ...rest) {
      if (escapedTransactions.has(ctx)) return
      const point = owner.get(ctx)?.savepoints.get(ctx)
      if (point) point.open = false
      return original.commit(ctx, ...rest)
    }

    connection.execute = function (query, params, method, ctx, ...rest) {
      const error = check(sqlOf(query), ctx)
      if (error) return Promise.reject(error)
      return original.execute(query, params, method, ctx, ...rest)
    }

    connection.stream = function (query, params, ctx, ...rest) {
      const error = check(sqlOf(query), ctx)
      if (error) throw error
      return original.stream(query, params, ctx, ...rest)
    }
  }

  /**
   * A savepoint of a guarded test, made by MikroORM itself. Its naming (siblings share a name) is
   * kept on purpose: concurrent siblings that all succeed release correctly only that way.
   */
  async function savepoint(
    begin: (options: { ctx?: Trx; [key: string]: unknown }) => Promise<Trx>,
    state: TestState,
    parent: Trx,
    options: { [key: string]: unknown },
  ): Promise<Trx> {
    const seq = ++state.seq
    const trx = await begin({ ...options, ctx: parent })
    owner.set(trx, state)
    parents.set(trx, parent)
    state.savepoints.set(trx, { trx, parent, seq, open: true })
    return trx
  }

  return {
    async beginTest(name, file) {
      harnessBegin = true
      const root = await driver.getConnection('write').begin()
      const state: TestState = {
        name,
        file,
        root,
        escapes: [],
        active: true,
        savepoints: new Map(),
        seq: 0,
      }
      owner.set(root, state)
      tests.add(state)
      return state
    },
    runInTest(test, fn) {
      return current.run(test as TestState, fn)
    },
    async endTest(test) {
      const state = test as TestState
      state.active = false
      tests.delete(state)
      await driver.getConnection('write').rollback(state.root)
    },
  }
}

function descendsFrom(state: TestState, trx: Trx, ancestor: Trx): boolean {
  for (let at: Trx | undefined = trx; at; at = state.savepoints.get(at)?.parent) {
    if (at === ancestor) return true
  }
  return false
}

/**
 * Whether a statement only reads: its first keyword (after comments) is select, show, explain,
 * values or with, and no writing keyword follows; pragma and set configure the connection.
 */
function isRead(sql: string): boolean {
  const text = sql.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, '')
  const first = /^\w+/.exec(text)?.[0]?.toLowerCase()
  if (first === 'pragma' || first === 'set') return true
  if (!first || !['select', 'show', 'explain', 'values', 'with'].includes(first)) return false
  return !/\b(insert|update|delete|merge|truncate|create|drop|alter|replace|copy|grant|revoke)\b/i.test(
    text,
  )
}

function sqlOf(query: unknown): string | undefined {
  if (typeof query === 'string') return query
  const q = query as { sql?: unknown; toString?: () => string } | undefined
  if (q && typeof q.sql === 'string') return q.sql
  return undefined
}
