import type { MikroORM, Options } from '@mikro-orm/core'
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql'

/** MikroORM options as `MikroORM.init` takes them (what `defineConfig` returns). */
export type OrmConfig = Partial<Options>

/** An ORM on a SQL driver: `orm.em` is a `SqlEntityManager` (with `execute`, `getKysely`...). */
export type SqlMikroORM = MikroORM<AbstractSqlDriver>

/** The database engines db-isolation supports. */
export type Engine = 'sqlite' | 'postgresql'

/** How the suite's databases are built; shared by the template, the workers and the vitest fixtures. */
export interface IsolationOptions {
  /**
   * The app's MikroORM options (entities, driver, naming...). A function gets the engine asked for
   * by `SUITEKIT_TEST_DB` (`sqlite` by default, or `postgres`), so one suite can run on both.
   * Connection settings (`dbName`, `clientUrl`) are replaced by the test databases'.
   */
  config: OrmConfig | ((engine: Engine) => OrmConfig)
  /** Writes static rows (roles, plans...) once into the template. */
  seed?: ((em: SqlEntityManager) => Promise<void> | void) | undefined
  /** Bump when what `seed` writes changes. @default the source text of `seed` */
  seedVersion?: string | number | undefined
  /**
   * Build the schema from the project's migrations or from entity metadata.
   * @default 'migrations' when the config lists migrations (`migrations.migrationsList`, or a
   * `migrations.path` folder with migration files), else 'entities'
   */
  schema?: 'migrations' | 'entities' | undefined
  /** PostgreSQL server (maintenance database URL). @default the server global-setup started, else `TEST_DATABASE_URL` */
  postgresUrl?: string | undefined
  /**
   * SQLite: `'memory'` gives each worker a private in-memory copy of the template; `'file'` a file
   * copy (WAL mode), for code that opens the database by its path, from another connection or
   * process (such writes are then caught through `PRAGMA data_version`).
   * @default 'memory'
   */
  sqliteMode?: 'memory' | 'file' | undefined
  /**
   * SQLite: the worker's connection caches the statement of SQL it prepares a second time and
   * hands it back instead of compiling it again (Kysely prepares every query; in the Insights API
   * suite, compiling was a tenth of a request's time). SQL seen once is compiled as usual. On a
   * statement it hands out again,
   * `bind`, `pluck`, `raw`, `expand` and `safeIntegers` return a fresh statement with that
   * setting (use their return value, as chained calls do), so that no test's setting reaches the
   * next caller of the same SQL. Statements prepared before `db.defaultSafeIntegers()` keep the
   * earlier default: turn this off if you switch it.
   * @default true
   */
  sqliteStatementCache?: boolean | undefined
  /** Where SQLite templates are kept between runs. @default `node_modules/.cache/suitekit-db-isolation` */
  cacheDir?: string | undefined
  /** Templates kept for other schema versions (switching branches); older ones are deleted. @default 3 */
  keepTemplates?: number | undefined
  /** Progress messages, e.g. `console.error`. @default none */
  log?: ((message: string) => void) | undefined
}
