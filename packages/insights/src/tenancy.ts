import type { MikroORM } from '@mikro-orm/core'
import { PostgreSqlPlatform } from '@mikro-orm/postgresql'
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql'

/**
 * Who a transaction works for: one organization (every tenant row it reads or writes must be that
 * organization's), or the system (login, API-token checks and background tasks, which must look
 * across organizations).
 */
export type TenantScope = { orgId: string } | 'system'

/**
 * Runs `work` in a transaction (a savepoint inside an open one) scoped to `scope`. On PostgreSQL it
 * first sets `app.org_id` and `app.all_orgs` for this transaction only: the row-level security
 * policies of the tenant tables check them, a second wall behind the queries' own `org` condition.
 * A transaction that sets neither sees no tenant row at all. SQLite has no row-level security: there
 * the queries' own condition is the only wall.
 */
export function inTenantScope<T>(
  orm: MikroORM<AbstractSqlDriver>,
  scope: TenantScope,
  work: (em: SqlEntityManager) => Promise<T>,
): Promise<T> {
  return orm.em.fork().transactional(async (em) => {
    await enterTenantScope(em, scope)
    return work(em)
  })
}

/** Sets `scope` on `em`'s open transaction (PostgreSQL; nothing to do on SQLite). */
export async function enterTenantScope(em: SqlEntityManager, scope: TenantScope): Promise<void> {
  if (!(em.getPlatform() instanceof PostgreSqlPlatform)) return
  await em.execute(
    "select set_config('app.org_id', ?, true), set_config('app.all_orgs', ?, true)",
    scope === 'system' ? ['', 'on'] : [scope.orgId, 'off'],
  )
}
