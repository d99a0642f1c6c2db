import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { SqlMikroORM } from '../isolation-options.js'
import { attachBackstop } from '../test-scope.js'
import { initOrm } from './init-orm.js'
import { isAlive } from './process.js'
import { cacheStatements } from './sqlite-statement-cache.js'
import type { ResolvedOptions } from './resolve-options.js'
import type { SqliteTemplate } from './sqlite-engine.js'

interface NativeSqlite {
  pragma(source: string, options: { simple: true }): unknown
}

/** A file copy of a SQLite template with an ORM on it; `close()` deletes the file. */
export interface SqliteFileCopy {
  orm: SqlMikroORM
  path: string
  close(): Promise<void>
}

/**
 * Copies the template image to `<cacheDir>/workers/<hash>-<name>-p<pid>.db` (WAL mode) and opens an
 * ORM on it. With `watch`, a write another connection commits to the file fails the test it
 * happened in (`PRAGMA data_version` changes), and the file is replaced by a fresh copy.
 */
export async function openSqliteFileCopy(
  template: SqliteTemplate,
  options: ResolvedOptions,
  name: string,
  watch: boolean,
): Promise<SqliteFileCopy> {
  const dir = join(options.cacheDir, 'workers')
  await mkdir(dir, { recursive: true })
  await sweepDeadCopies(dir)
  const path = join(dir, `${template.hash.slice(0, 16)}-${name}-p${process.pid}.db`)
  const files = [path, `${path}-wal`, `${path}-shm`]
  const { dbName: _dbName, clientUrl: _clientUrl, ...rest } = options.config
  const orm = await initOrm({ ...rest, dbName: path, allowGlobalContext: false })
  const open = async () => {
    await Promise.all(files.map((f) => rm(f, { force: true })))
    await writeFile(path, template.image)
    await orm.connect()
    await orm.driver.getConnection().execute('pragma journal_mode = wal')
    if (options.sqliteStatementCache) await cacheStatements(orm)
  }
  await open()
  if (watch) {
    const dataVersion = async () => {
      const connection = orm.driver.getConnection() as unknown as {
        getNativeClient(): Promise<NativeSqlite>
      }
      return (await connection.getNativeClient()).pragma('data_version', { simple: true })
    }
    let seen = await dataVersion()
    attachBackstop(orm, {
      async drain() {
        // another connection's commit changes it; this connection's own never does
        const now = await dataVersion()
        if (now === seen) return []
        seen = now
        return [{ table: '', operation: 'write', statement: '' }]
      },
      async repair() {
        await orm.close()
        await open()
        seen = await dataVersion()
        options.log(
          `replaced worker database ${path} after a write committed outside the test transaction`,
        )
      },
    })
  }
  return {
    orm,
    path,
    async close() {
      await orm.close()
      await Promise.all(files.map((f) => rm(f, { force: true })))
    },
  }
}

/** Deletes copies left by processes that died before closing them. */
async function sweepDeadCopies(dir: string): Promise<void> {
  for (const file of await readdir(dir)) {
    const pid = Number(/-p(\d+)\.db(-wal|-shm)?$/.exec(file)?.[1])
    if (pid > 0 && pid !== process.pid && !isAlive(pid)) await rm(join(dir, file), { force: true })
  }
}
