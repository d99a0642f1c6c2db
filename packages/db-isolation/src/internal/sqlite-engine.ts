import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { initOrm } from './init-orm.js'
import type { OrmConfig, SqlMikroORM } from '../isolation-options.js'
import { buildSchemaAndSeed } from './build-schema.js'
import { withFileLock } from './file-lock.js'
import type { ResolvedOptions } from './resolve-options.js'
import { templateIdentity } from './schema-source.js'

/** A built SQLite template: the serialized database image. */
export interface SqliteTemplate {
  hash: string
  file: string
  image: Buffer
  built: boolean
  buildMs: number
  /**
   * The ORM that computed the hash: the first worker database takes it instead of paying for a
   * second metadata discovery (most of a worker's start-up). After a build it is connected to a
   * database holding exactly the template; otherwise it is not connected yet.
   */
  spare: { orm: SqlMikroORM; source: ImageSource } | undefined
}

interface NativeSqlite {
  serialize(): Buffer
}

/** Finds the template for the current schema version in the cache folder, or builds it there. */
export async function sqliteTemplate(options: ResolvedOptions): Promise<SqliteTemplate> {
  const source: ImageSource = {}
  const probe = await initOrm(memoryConfig(options.config, source))
  let handedOver = false
  try {
    const { schema, hash } = await templateIdentity(probe, options)
    const file = join(options.cacheDir, `sqlite-${hash.slice(0, 16)}.db`)
    const reuse = async (): Promise<SqliteTemplate> => {
      const now = new Date()
      await utimes(file, now, now) // most recently used: the last one garbage collection deletes
      handedOver = options.sqliteMode === 'memory'
      const image = await readFile(file)
      const spare = handedOver ? { orm: probe, source } : undefined
      return { hash, file, image, built: false, buildMs: 0, spare }
    }
    if (existsSync(file)) return await reuse()
    await mkdir(options.cacheDir, { recursive: true })
    return await withFileLock(`${file}.lock`, async () => {
      if (existsSync(file)) return reuse()
      const started = performance.now()
      await buildSchemaAndSeed(probe, schema, options)
      const connection = probe.driver.getConnection() as unknown as {
        getNativeClient(): Promise<NativeSqlite>
      }
      const native = await connection.getNativeClient()
      const image = native.serialize()
      // write then rename: a concurrent reader sees the whole file or none
      const partial = `${file}.${process.pid}.partial`
      await writeFile(partial, image)
      await rename(partial, file)
      const buildMs = performance.now() - started
      options.log(`built the SQLite template ${file} (${schema}) in ${Math.round(buildMs)} ms`)
      await collectGarbage(options, file)
      // this ORM's own in-memory database now holds exactly the template: the first worker takes it
      handedOver = options.sqliteMode === 'memory'
      const spare = handedOver ? { orm: probe, source } : undefined
      return { hash, file, image, built: true, buildMs, spare }
    })
  } finally {
    if (!handedOver) await probe.close()
  }
}

/** Where an in-memory database's starting image comes from, read when the ORM connects. */
export interface ImageSource {
  image?: Buffer
}

/**
 * MikroORM options for a private in-memory database, loaded from `source.image` if it is set when
 * the ORM connects (MikroORM calls a `driverOptions` function at connect time, not at init).
 */
export function memoryConfig(config: OrmConfig, source: ImageSource = {}): OrmConfig {
  const { dbName: _dbName, clientUrl: _clientUrl, ...rest } = config
  const base = config.driverOptions as object | undefined
  return {
    ...rest,
    dbName: ':memory:',
    driverOptions: () => (source.image ? { ...base, dbName: source.image } : { ...base }),
    allowGlobalContext: false,
  }
}

/** An ORM on a private in-memory copy of the template: the spare one when there is one. */
export async function openSqliteCopy(
  template: SqliteTemplate,
  config: OrmConfig,
): Promise<SqlMikroORM> {
  const spare = template.spare
  template.spare = undefined
  if (!spare) return initOrm(memoryConfig(config, { image: template.image }))
  spare.source.image = template.image
  return spare.orm
}

/** Keeps the `keepTemplates` most recently used templates, deletes the rest. */
async function collectGarbage(options: ResolvedOptions, current: string): Promise<void> {
  const names = (await readdir(options.cacheDir)).filter((n) => /^sqlite-[0-9a-f]{16}\.db$/.test(n))
  const files = await Promise.all(
    names.map(async (name) => {
      const file = join(options.cacheDir, name)
      return { file, used: (await stat(file)).mtimeMs }
    }),
  )
  files.sort((a, b) => b.used - a.used)
  const keep = new Set([current, ...files.slice(0, options.keepTemplates).map((f) => f.file)])
  for (const { file } of files) {
    if (keep.has(file)) continue
    await rm(file, { force: true })
    options.log(`deleted the old SQLite template ${file}`)
  }
}
