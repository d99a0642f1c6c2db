import { join } from 'node:path'
import { Utils } from '@mikro-orm/core'
import { DbIsolationError } from '../errors.js'
import { requestedEngine } from './requested-engine.js'
import type { Engine, IsolationOptions, OrmConfig } from '../isolation-options.js'

/** {@link IsolationOptions} with the engine decided and every default filled in. */
export interface ResolvedOptions {
  engine: Engine
  config: OrmConfig
  seed: IsolationOptions['seed']
  seedVersion: string
  schema: 'migrations' | 'entities' | undefined
  postgresUrl: string | undefined
  sqliteMode: 'memory' | 'file'
  sqliteStatementCache: boolean
  cacheDir: string
  keepTemplates: number
  log: (message: string) => void
}

const DRIVER_ENGINES: Record<string, Engine> = {
  SqliteDriver: 'sqlite',
  PostgreSqlDriver: 'postgresql',
}

/** Checks the options and decides the engine; throws a {@link DbIsolationError} saying what to fix. */
export function resolveOptions(options: IsolationOptions, postgresUrl?: string): ResolvedOptions {
  checkPeerVersion()
  const asked = requestedEngine()
  const config = typeof options.config === 'function' ? options.config(asked) : options.config
  if (!config || typeof config !== 'object') {
    throw new DbIsolationError(
      'ERR_CONFIG',
      '`config` must be MikroORM options, or a function of the engine returning them',
    )
  }
  const driverName = (config.driver as { name?: string } | undefined)?.name
  if (!driverName) {
    throw new DbIsolationError(
      'ERR_CONFIG',
      'the MikroORM config names no driver: build it with defineConfig from @mikro-orm/sqlite or @mikro-orm/postgresql, or set `driver`',
    )
  }
  const engine = DRIVER_ENGINES[driverName]
  if (!engine) {
    throw new DbIsolationError(
      'ERR_CONFIG',
      `driver ${driverName} is not supported: db-isolation supports SqliteDriver (@mikro-orm/sqlite) and PostgreSqlDriver (@mikro-orm/postgresql)`,
    )
  }
  if (process.env.SUITEKIT_TEST_DB && engine !== asked) {
    throw new DbIsolationError(
      'ERR_CONFIG',
      `SUITEKIT_TEST_DB asks for ${asked} but the config's driver is ${driverName}: ` +
        'pass `config` as a function of the engine, `(engine) => ...`, to run the suite on both',
    )
  }
  if (config.allowGlobalContext) {
    throw new DbIsolationError(
      'ERR_CONFIG',
      '`allowGlobalContext: true` lets code use the global EntityManager, whose identity map outlives each test ' +
        "and leaks entities between tests: remove it and use the test's `em` (or `orm.em.fork()`)",
    )
  }
  const seedVersion = options.seedVersion ?? (options.seed ? String(options.seed) : 'no seed')
  return {
    engine,
    config,
    seed: options.seed,
    seedVersion: String(seedVersion),
    schema: options.schema,
    postgresUrl: options.postgresUrl ?? postgresUrl ?? (process.env.TEST_DATABASE_URL || undefined),
    sqliteMode: options.sqliteMode ?? 'memory',
    sqliteStatementCache: options.sqliteStatementCache ?? true,
    cacheDir:
      options.cacheDir ?? join(process.cwd(), 'node_modules', '.cache', 'suitekit-db-isolation'),
    keepTemplates: Math.max(1, options.keepTemplates ?? 3),
    log: options.log ?? (() => {}),
  }
}

function checkPeerVersion(): void {
  const version = Utils.getORMVersion()
  if (!version.startsWith('7.')) {
    throw new DbIsolationError(
      'ERR_CONFIG',
      `@suitekit/db-isolation needs @mikro-orm/core 7, found ${version}: install @mikro-orm/core@7 and the matching driver`,
    )
  }
}
