import type { SqlMikroORM } from '../isolation-options.js'

/** What the cache needs of a better-sqlite3 statement. */
interface NativeStatement {
  /** True while an iterator over its rows is open: such a statement cannot run again yet. */
  readonly busy: boolean
}

/** What the cache needs of a better-sqlite3 database. */
interface NativeDatabase {
  prepare(...args: unknown[]): NativeStatement
  [CACHED]?: true
}

const CACHED = Symbol.for('suitekit.db-isolation.statement-cache')

/** Statements kept per connection: more than a suite's distinct queries, few enough for DDL to stay cheap. */
const MAX_STATEMENTS = 500

/**
 * Makes the SQLite connection of `orm` reuse its prepared statements. Kysely prepares every query
 * anew (better-sqlite3's `prepare` compiles the SQL each time: about a tenth of a request's time
 * in the API suite); the same SQL text gets its statement back instead, unless that statement is
 * busy (an open iterator). Only plain `prepare(sql)` calls are cached: better-sqlite3's own
 * internal ones (`pragma()`, which switches its statement to `pluck` mode) pass more arguments and
 * are left alone. SQLite re-prepares a cached statement by itself after a schema change.
 */
export async function cacheStatements(orm: SqlMikroORM): Promise<void> {
  const connection = orm.driver.getConnection() as unknown as {
    getNativeClient(): Promise<NativeDatabase>
  }
  const db = await connection.getNativeClient()
  if (db[CACHED]) return
  const prepare = db.prepare.bind(db)
  const statements = new Map<string, NativeStatement>()
  db.prepare = (sql: unknown, ...rest: unknown[]) => {
    if (rest.length > 0 || typeof sql !== 'string') return prepare(sql, ...rest)
    const cached = statements.get(sql)
    if (cached && !cached.busy) return cached
    const statement = prepare(sql)
    if (!cached) {
      // the oldest goes first: a suite's queries fit, so eviction is for the rare generated SQL
      if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value!)
      statements.set(sql, statement)
    }
    return statement
  }
  db[CACHED] = true
}
