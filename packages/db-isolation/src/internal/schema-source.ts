import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { Utils, type MikroORM } from '@mikro-orm/core'
import type { ResolvedOptions } from './resolve-options.js'

/** Bump when the way templates are built changes, so old ones are rebuilt. */
const TEMPLATE_FORMAT = 'suitekit-db-isolation-template-2'

interface MigrationsConfig {
  path?: string
  pathTs?: string
  migrationsList?: { name?: string; class?: unknown }[] | unknown[]
}

/** The migration files (sorted) the config points at, or undefined when it points at none. */
export async function migrationSources(
  orm: MikroORM,
): Promise<{ name: string; source: string }[] | undefined> {
  const config = orm.config.get('migrations') as MigrationsConfig
  if (Array.isArray(config.migrationsList) && config.migrationsList.length > 0) {
    return config.migrationsList.map((entry, i) => {
      const item = entry as { name?: string; class?: unknown; prototype?: unknown }
      const cls = item.class ?? entry
      return { name: item.name ?? `migration ${i}`, source: String(cls) }
    })
  }
  const preferTs = orm.config.get('preferTs', Utils.detectTypeScriptSupport())
  const relative = (preferTs ? config.pathTs : undefined) ?? config.path
  if (!relative) return undefined
  const dir = isAbsolute(relative) ? relative : join(orm.config.get('baseDir'), relative)
  if (!existsSync(dir)) return undefined
  const names = (await readdir(dir))
    .filter((name) => /\.(c|m)?(j|t)s$/.test(name) && !/\.d\.(c|m)?ts$/.test(name))
    .sort()
  if (names.length === 0) return undefined
  return Promise.all(
    names.map(async (name) => ({ name, source: await readFile(join(dir, name), 'utf8') })),
  )
}

/** Decides how the schema is built, and the content hash of everything that defines the template. */
export async function templateIdentity(
  orm: MikroORM,
  options: ResolvedOptions,
): Promise<{ schema: 'migrations' | 'entities'; hash: string }> {
  const migrations = options.schema === 'entities' ? undefined : await migrationSources(orm)
  if (options.schema === 'migrations' && !migrations) {
    throw new Error(
      "`schema: 'migrations'` but the MikroORM config lists no migrations (set migrations.path to a folder with migration files, or migrations.migrationsList)",
    )
  }
  const hash = createHash('sha256')
  for (const part of [
    TEMPLATE_FORMAT,
    options.engine,
    Utils.getORMVersion(),
    options.seedVersion,
  ]) {
    hash.update(part).update('\0')
  }
  if (migrations) {
    for (const { name, source } of migrations)
      hash.update(name).update('\0').update(source).update('\0')
  } else {
    hash.update(await orm.schema.getCreateSchemaSQL({ wrap: false }))
  }
  return { schema: migrations ? 'migrations' : 'entities', hash: hash.digest('hex') }
}
