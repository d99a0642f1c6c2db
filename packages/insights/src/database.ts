import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { MikroORM } from '@mikro-orm/sqlite'
import type { Resource } from '@suitekit/lifespan'

/** The app's database as a lifespan resource; `orm` is set once the resource has started. */
export interface DatabaseResource extends Resource {
  readonly orm: MikroORM
  /** Runs a trivial query: throws when the database cannot answer. */
  ping(): Promise<void>
}

/**
 * The embedded SQLite database in `file` as a lifespan resource; the file and its folder are created
 * on first start.
 */
export function createDatabase(file: string): DatabaseResource {
  let orm: MikroORM | undefined
  return {
    name: 'database',
    get orm() {
      if (!orm) throw new Error('the database is not started yet')
      return orm
    },
    async start() {
      if (file !== ':memory:') await mkdir(dirname(file), { recursive: true })
      orm = await MikroORM.init({
        dbName: file,
        entities: [],
        discovery: { warnWhenNoEntities: false },
        allowGlobalContext: false,
      })
    },
    async stop() {
      await orm?.close()
      orm = undefined
    },
    async ping() {
      if (!orm) throw new Error('the database is not started')
      await orm.em.fork().execute('select 1')
    },
  }
}
