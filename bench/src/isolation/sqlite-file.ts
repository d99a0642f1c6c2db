import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MikroORM } from '@mikro-orm/core'
import { SqliteDriver } from '@mikro-orm/sqlite'
import type { EngineBenchOptions, EngineRun } from './engine-run.ts'
import { entities } from './schema.ts'
import { measureBothWays, type DatabaseCopy } from './strategies.ts'

/**
 * SQLite on a file in a temp folder (better-sqlite3 defaults: rollback journal, synchronous=FULL),
 * with ORMs made by hand: a template file built once, copies of it for the suitekit strategy
 * (`withTestTransaction` on a plain ORM), for the others, and one per test for the clone strategy.
 */
export async function benchSqliteFile(options: EngineBenchOptions): Promise<EngineRun> {
  const label = 'SQLite file'
  const dir = await mkdtemp(join(tmpdir(), 'suitekit-bench-isolation-'))
  const opened: MikroORM[] = []
  try {
    const templateFile = join(dir, 'template.db')
    const builder = await openFile(templateFile)
    await builder.schema.create()
    await builder.close()
    const copyOf = async (name: string) => {
      const file = join(dir, name)
      await copyFile(templateFile, file)
      return file
    }
    const isolated = await openFile(await copyOf('isolated.db'))
    opened.push(isolated)
    const plain = await openFile(await copyOf('plain.db'))
    opened.push(plain)
    let clones = 0
    const clone = async (): Promise<DatabaseCopy> => {
      const file = await copyOf(`clone-${++clones}.db`)
      const orm = await openFile(file)
      return {
        orm,
        async close() {
          await orm.close()
          await rm(file, { force: true })
        },
      }
    }
    const { perTest, isolationOnly } = await measureBothWays(
      label,
      { isolated, plain, clone },
      options.iterations,
      options.log,
    )
    return { key: 'sqlite_file', label, perTest, isolationOnly }
  } finally {
    for (const orm of opened) await orm.close()
    await rm(dir, { recursive: true, force: true })
  }
}

async function openFile(file: string): Promise<MikroORM> {
  const orm = await MikroORM.init({
    driver: SqliteDriver,
    dbName: file,
    entities,
    allowGlobalContext: false,
  })
  await orm.connect()
  return orm
}
