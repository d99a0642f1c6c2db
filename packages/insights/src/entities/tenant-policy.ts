import type { EntityMetadata, PolicyDef } from '@mikro-orm/core'

/**
 * The row-level security of every tenant table (PostgreSQL): a row is visible and writable only in
 * a transaction whose `app.org_id` is its organization, or that says `app.all_orgs = 'on'` (login,
 * API-token checks, background tasks). A transaction that sets neither sees no tenant row. With
 * `rowLevelSecurity: 'force'` the policy applies to the tables' owner too; superusers and
 * `BYPASSRLS` roles still skip it. See docs/decisions/0006-insights-api.md.
 */
function tenantPolicy(column: 'org_id' | 'id'): PolicyDef {
  const visible =
    `current_setting('app.all_orgs', true) = 'on'` +
    ` or "${column}" = nullif(current_setting('app.org_id', true), '')::uuid`
  return { name: 'tenant_isolation', using: visible, check: visible }
}

/** Each tenant table and the column naming its organization. */
const TENANT_COLUMNS: Record<string, 'org_id' | 'id'> = {
  Organization: 'id',
  User: 'org_id',
  Project: 'org_id',
  ApiToken: 'org_id',
  Upload: 'org_id',
  Run: 'org_id',
  TestResult: 'org_id',
}

/**
 * Declares the tenant policy on a tenant entity's metadata (MikroORM's `discovery.onMetadata`,
 * PostgreSQL only: the SQLite driver refuses row-level security, so the entities cannot declare it).
 */
export function declareTenantPolicy(meta: EntityMetadata): void {
  const column = TENANT_COLUMNS[meta.className]
  if (!column) return
  meta.policies = [tenantPolicy(column)]
  meta.rowLevelSecurity = 'force'
}
