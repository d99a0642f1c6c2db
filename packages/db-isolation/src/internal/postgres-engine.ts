import { MikroORM } from '@mikro-orm/core'
import { initOrm } from './init-orm.js'
import type { OrmConfig } from '../isolation-options.js'
import { DbIsolationError } from '../errors.js'
import { isAlive } from './process.js'
import { buildSchemaAndSeed } from './build-schema.js'
import type { ResolvedOptions } from './resolve-options.js'
import { templateIdentity } from './schema-source.js'
import { INSTALL_WRITE_TRIGGERS } from './write-backstop.js'

/** A PostgreSQL template database for the current schema version. */
export interface PostgresTemplate {
  hash: string
  /** Template database name. */
  name: string
  /** Prefix of every database of this schema version: `<prefix>_<hash8>`. */
  family: string
  built: boolean
  buildMs: number
}

type Row = Record<string, unknown>

/** A single-connection ORM on the maintenance database: session advisory locks hold on it. */
export async function adminConnection(options: ResolvedOptions): Promise<{
  query(sql: string, params?: unknown[]): Promise<Row[]>
  close(): Promise<void>
}> {
  const url = requireUrl(options)
  const orm = await MikroORM.init({
    driver: options.config.driver,
    clientUrl: url,
    entities: [],
    discovery: { warnWhenNoEntities: false },
    pool: { min: 1, max: 1 },
    ensureDatabase: false,
    allowGlobalContext: false,
  } as OrmConfig)
  const connection = orm.driver.getConnection('write')
  try {
    await connection.execute('select 1')
  } catch (cause) {
    await orm.close()
    throw new DbIsolationError(
      'ERR_POSTGRES_START',
      `could not connect to PostgreSQL at ${redact(url)}: ${(cause as Error).message}. ` +
        'Check TEST_DATABASE_URL, or unset it to let db-isolation start a throwaway server.',
      { cause },
    )
  }
  return {
    query: (sql, params = []) => connection.execute<Row[]>(sql, params, 'all'),
    close: () => orm.close(),
  }
}

/** MikroORM options for database `name` on the test server; the user's own connection settings are dropped. */
export function databaseConfig(options: ResolvedOptions, name: string): OrmConfig {
  const {
    dbName: _d,
    clientUrl: _c,
    host: _h,
    port: _p,
    user: _u,
    password: _pw,
    ...rest
  } = options.config
  const url = new URL(requireUrl(options))
  url.pathname = `/${name}`
  // ensureDatabase off: connecting must never create a database this code did not clone
  return {
    ...rest,
    clientUrl: url.toString(),
    dbName: name,
    allowGlobalContext: false,
    ensureDatabase: false,
  }
}

/** Finds or builds the template database of the current schema version (race-free across processes). */
export async function postgresTemplate(options: ResolvedOptions): Promise<PostgresTemplate> {
  const prefix = databasePrefix(options.config)
  const probe = await initOrm(databaseConfig(options, `${prefix}_probe`))
  let identity: { schema: 'migrations' | 'entities'; hash: string }
  try {
    identity = await templateIdentity(probe, options)
  } finally {
    await probe.close()
  }
  const { schema, hash } = identity
  const name = `${prefix}_tpl_${hash.slice(0, 12)}`
  const family = `${prefix}_${hash.slice(0, 8)}`
  const admin = await adminConnection(options)
  try {
    await admin.query('select pg_advisory_lock(hashtextextended(?, 0))', [
      `suitekit:template:${name}`,
    ])
    try {
      const [existing] = await admin.query(
        'select datistemplate from pg_database where datname = ?',
        [name],
      )
      if (existing?.datistemplate === true) return { hash, name, family, built: false, buildMs: 0 }
      // a template that never got marked complete: a build crashed half-way
      if (existing) await admin.query(`drop database ${quote(name)} with (force)`)
      const started = performance.now()
      await admin.query(`create database ${quote(name)}`)
      const builder = await initOrm(databaseConfig(options, name))
      try {
        await buildSchemaAndSeed(builder, schema, options)
        const connection = builder.driver.getConnection()
        for (const sql of INSTALL_WRITE_TRIGGERS) await connection.execute(sql)
      } catch (error) {
        await builder.close()
        await admin.query(`drop database ${quote(name)} with (force)`)
        throw error
      }
      await builder.close()
      await admin.query(`alter database ${quote(name)} is_template true`)
      await admin.query(
        `comment on database ${quote(name)} is ${literal(`suitekit template ${new Date().toISOString()}`)}`,
      )
      const buildMs = performance.now() - started
      options.log(`built the PostgreSQL template ${name} (${schema}) in ${Math.round(buildMs)} ms`)
      await collectGarbage(admin, options, prefix, name)
      return { hash, name, family, built: true, buildMs }
    } finally {
      await admin.query('select pg_advisory_unlock(hashtextextended(?, 0))', [
        `suitekit:template:${name}`,
      ])
    }
  } finally {
    await admin.close()
  }
}

/**
 * Gives this process a copy of `template` named `database` (or, when another live process on this
 * machine uses that one, a private `<database>_p<pid>`), reusing a clean copy when `reuseClean`.
 * Clones of one template are serialized: PostgreSQL refuses concurrent ones.
 */
export async function cloneTemplate(
  options: ResolvedOptions,
  template: PostgresTemplate,
  wanted: string,
  reuseClean: boolean,
): Promise<{ database: string; reused: boolean }> {
  const admin = await adminConnection(options)
  const lock = `suitekit:clone:${template.name}`
  try {
    await admin.query('select pg_advisory_lock(hashtextextended(?, 0))', [lock])
    try {
      const [row] = await admin.query(
        'select s.description from pg_database d left join pg_shdescription s on s.objoid = d.oid where d.datname = ?',
        [wanted],
      )
      const note = typeof row?.description === 'string' ? row.description : ''
      const user = Number(/^suitekit in use by (\d+)$/.exec(note)?.[1])
      const database =
        user && user !== process.pid && isAlive(user) ? `${wanted}_p${process.pid}` : wanted
      if (reuseClean && database === wanted && note === CLEAN) {
        await admin.query(
          `comment on database ${quote(database)} is ${literal(`suitekit in use by ${process.pid}`)}`,
        )
        return { database, reused: true }
      }
      await admin.query(`drop database if exists ${quote(database)} with (force)`)
      await admin.query(`create database ${quote(database)} template ${quote(template.name)}`)
      await admin.query(
        `comment on database ${quote(database)} is ${literal(`suitekit in use by ${process.pid}`)}`,
      )
      return { database, reused: false }
    } finally {
      await admin.query('select pg_advisory_unlock(hashtextextended(?, 0))', [lock])
    }
  } finally {
    await admin.close()
  }
}

const CLEAN = 'suitekit clean'

/** Marks a worker database clean (reusable by the next run) or drops it. */
export async function releaseDatabase(
  options: ResolvedOptions,
  database: string,
  keep: boolean,
): Promise<void> {
  const admin = await adminConnection(options)
  try {
    if (keep) await admin.query(`comment on database ${quote(database)} is ${literal(CLEAN)}`)
    else await admin.query(`drop database if exists ${quote(database)} with (force)`)
  } finally {
    await admin.close()
  }
}

/** Keeps the `keepTemplates` newest templates of this prefix; drops older ones with their workers. */
async function collectGarbage(
  admin: { query(sql: string, params?: unknown[]): Promise<Row[]> },
  options: ResolvedOptions,
  prefix: string,
  current: string,
): Promise<void> {
  const templates = await admin.query(
    `select d.datname as name, s.description as note from pg_database d
       left join pg_shdescription s on s.objoid = d.oid
      where d.datname like ? order by s.description desc nulls last`,
    [`${prefix}\\_tpl\\_%`],
  )
  const stale = templates
    .map((t) => String(t.name))
    .filter((n) => n !== current)
    .slice(options.keepTemplates - 1)
  for (const name of stale) {
    const family = `${prefix}_${name.slice(-12, -4)}`
    try {
      const workers = await admin.query('select datname from pg_database where datname like ?', [
        `${family}\\_w%`,
      ])
      for (const { datname } of workers)
        await admin.query(`drop database if exists ${quote(String(datname))}`)
      await admin.query(`alter database ${quote(name)} is_template false`)
      await admin.query(`drop database if exists ${quote(name)}`)
      options.log(`dropped the old PostgreSQL template ${name}`)
    } catch {
      // in use by another run: the next garbage collection gets it
    }
  }
}

/** `<name>` from the config's dbName, safe as an identifier and short enough for suffixes. */
function databasePrefix(config: OrmConfig): string {
  const base = (config.dbName ?? 'suitekit')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .replace(/^([^a-z_])/, '_$1')
  return base.slice(0, 24)
}

function requireUrl(options: ResolvedOptions): string {
  if (!options.postgresUrl) {
    throw new DbIsolationError(
      'ERR_CONFIG',
      'the config uses PostgreSQL but no server was given: add @suitekit/db-isolation/global-setup to vitest globalSetup ' +
        '(it starts a throwaway server), set TEST_DATABASE_URL, or pass `postgresUrl`',
    )
  }
  return options.postgresUrl
}

/** A quoted PostgreSQL identifier. */
export function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`
}

function redact(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unparsable url)'
  }
}
