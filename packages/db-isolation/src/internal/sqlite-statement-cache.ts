import type { SqlMikroORM } from '../isolation-options.js'

/** What the cache needs of a better-sqlite3 statement. */
interface NativeStatement {
  /** True while an iterator over its rows is open: such a statement cannot run again yet. */
  readonly busy: boolean
}

/** What the cache needs of a better-sqlite3 database. */
interface NativeDatabase {
  prepare(sql: string): NativeStatement
  [CACHED]?: true
}

const CACHED = Symbol.for('suitekit.db-isolation.statement-cache')

/** Statements kept per connection: more than a suite's distinct queries, few enough for DDL to stay cheap. */
const MAX_STATEMENTS = 500

/**
 * SQL texts remembered after their first `prepare()`: a text is cached when it comes back. MikroORM
 * writes values into the SQL it sends, so most texts (an insert, a lookup by id) are seen once, and
 * wrapping and keeping their statements cost more than compiling them (see decision 0002).
 */
const MAX_SEEN_ONCE = 2_000

/** SQL longer than this (a bulk insert with its values written in) is never remembered or cached. */
const MAX_CACHED_SQL_LENGTH = 4_096

/**
 * The statement methods that change what later runs of it do: on a cached statement, each is
 * applied to a fresh statement of the same SQL (and returns it), so that the change never reaches
 * the next caller of that SQL, such as the ORM in the next test.
 */
const STATE_CHANGING = new Set<PropertyKey>(['bind', 'pluck', 'raw', 'expand', 'safeIntegers'])

/**
 * Makes the SQLite connection of `orm` reuse its prepared statements. Kysely prepares every query
 * anew, and better-sqlite3 compiles the SQL on each `prepare()` (about a tenth of a request's time
 * in the API suite); SQL prepared a second time is cached, and from then on gets its statement
 * back, unless that statement is busy (an open iterator). SQL seen once is compiled as usual and
 * handed out as it is: nobody else ever gets that statement. SQLite re-prepares a cached statement
 * by itself after a schema change. Best effort: a connection whose native client cannot be reached
 * (a ready-made Kysely instance in `driverOptions`) is left as it is.
 */
export async function cacheStatements(orm: SqlMikroORM): Promise<void> {
  const connection = orm.driver.getConnection() as unknown as {
    getNativeClient(): Promise<NativeDatabase>
  }
  const db = await connection.getNativeClient().catch(() => undefined)
  if (!db || typeof db.prepare !== 'function' || db[CACHED]) return
  const prepare = db.prepare.bind(db)
  const statements = new Map<string, { statement: NativeStatement; shared: NativeStatement }>()
  const seenOnce = new Set<string>()
  db.prepare = (sql: string) => {
    if (typeof sql !== 'string' || sql.length > MAX_CACHED_SQL_LENGTH) return prepare(sql)
    const cached = statements.get(sql)
    if (cached) return cached.statement.busy ? prepare(sql) : cached.shared
    if (!seenOnce.delete(sql)) {
      // the oldest goes first, in both collections: eviction is for the rare generated SQL
      if (seenOnce.size >= MAX_SEEN_ONCE) seenOnce.delete(seenOnce.values().next().value!)
      seenOnce.add(sql)
      return prepare(sql)
    }
    const statement = prepare(sql)
    if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value!)
    const entry = { statement, shared: shareable(statement, () => prepare(sql)) }
    statements.set(sql, entry)
    return entry.shared
  }
  db[CACHED] = true
}

/** The statement's methods and properties every query uses: own properties of the shared view. */
const HOT_METHODS = ['run', 'get', 'all', 'iterate', 'columns'] as const
const HOT_PROPERTIES = ['reader', 'readonly', 'busy', 'source'] as const

/**
 * `statement` as handed out again: what would change its state goes to a fresh one instead. The
 * methods a query uses are bound once; anything else falls through to a proxy of the statement.
 */
function shareable(statement: NativeStatement, fresh: () => NativeStatement): NativeStatement {
  type Methods = Record<PropertyKey, (...args: unknown[]) => unknown>
  const target = statement as unknown as Methods
  const fallback = new Proxy(target, {
    get(on, key) {
      const value: unknown = Reflect.get(on, key, on)
      return typeof value === 'function' ? (value as Methods[string]).bind(on) : value
    },
  })
  const shared = Object.create(fallback) as Methods
  for (const key of HOT_METHODS) {
    if (typeof target[key] === 'function') shared[key] = target[key].bind(target)
  }
  for (const key of HOT_PROPERTIES) {
    Object.defineProperty(shared, key, { get: () => (statement as unknown as Methods)[key] })
  }
  for (const key of STATE_CHANGING) {
    shared[key as string] = (...args: unknown[]) => (fresh() as unknown as Methods)[key]!(...args)
  }
  return shared as unknown as NativeStatement
}
