import { Migration } from '@mikro-orm/migrations'

/**
 * Row-level security on every tenant table: a row is visible and writable only in a transaction
 * whose `app.org_id` is its organization, or that says `app.all_orgs = 'on'` (login, API-token
 * checks, background tasks). A transaction that sets neither sees no tenant row. `force` makes the
 * policies apply to the tables' owner too (the role the API usually connects as); superusers and
 * `BYPASSRLS` roles still skip them. Written by hand: MikroORM's schema diff does not track policies.
 * See docs/decisions/0006-insights-api.md.
 */
export class Migration20261123150000_row_level_security extends Migration {
  override name = 'Migration20261123150000_row_level_security'

  override up(): void {
    for (const [table, column] of TENANT_TABLES) {
      const visible =
        `current_setting('app.all_orgs', true) = 'on'` +
        ` or "${column}" = nullif(current_setting('app.org_id', true), '')::uuid`
      this.addSql(`alter table "${table}" enable row level security;`)
      this.addSql(`alter table "${table}" force row level security;`)
      this.addSql(
        `create policy "tenant_isolation" on "${table}" using (${visible}) with check (${visible});`,
      )
    }
  }

  override down(): void {
    for (const [table] of TENANT_TABLES) {
      this.addSql(`drop policy "tenant_isolation" on "${table}";`)
      this.addSql(`alter table "${table}" no force row level security;`)
      this.addSql(`alter table "${table}" disable row level security;`)
    }
  }
}

/** Each tenant table and its organization column. */
const TENANT_TABLES = [
  ['organization', 'id'],
  ['app_user', 'org_id'],
  ['project', 'org_id'],
  ['api_token', 'org_id'],
  ['upload', 'org_id'],
  ['run', 'org_id'],
  ['test_result', 'org_id'],
] as const
