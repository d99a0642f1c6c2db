import { MikroORM } from '@mikro-orm/core'
import { DbIsolationError } from '../errors.js'
import type { OrmConfig, SqlMikroORM } from '../isolation-options.js'

/** `MikroORM.init`, with a config problem (entities that fail to discover...) reported as such. */
export async function initOrm(config: OrmConfig): Promise<SqlMikroORM> {
  try {
    return (await MikroORM.init(config)) as SqlMikroORM
  } catch (cause) {
    throw new DbIsolationError(
      'ERR_CONFIG',
      `MikroORM could not start with the test config: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    )
  }
}
