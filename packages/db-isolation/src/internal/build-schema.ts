import type { MikroORM } from '@mikro-orm/core'
import type { SqlEntityManager } from '@mikro-orm/sql'
import { DbIsolationError } from '../errors.js'
import type { ResolvedOptions } from './resolve-options.js'

/** Builds the schema (migrations or entity metadata) and runs the seed, on an empty database. */
export async function buildSchemaAndSeed(
  orm: MikroORM,
  schema: 'migrations' | 'entities',
  options: ResolvedOptions,
): Promise<void> {
  try {
    if (schema === 'migrations') {
      await orm.migrator.up()
    } else {
      await orm.schema.create()
    }
  } catch (cause) {
    throw new DbIsolationError(
      'ERR_TEMPLATE_BUILD',
      `building the template schema from ${schema === 'migrations' ? 'migrations' : 'entity metadata'} failed: ${message(cause)}`,
      { cause },
    )
  }
  if (!options.seed) return
  try {
    const em = orm.em.fork() as SqlEntityManager
    await options.seed(em)
    await em.flush()
  } catch (cause) {
    throw new DbIsolationError(
      'ERR_TEMPLATE_BUILD',
      `the seed threw: ${message(cause)}; no template was kept, fix the seed and run again`,
      { cause },
    )
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
