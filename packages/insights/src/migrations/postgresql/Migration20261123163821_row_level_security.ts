import { Migration } from '@mikro-orm/migrations'

export class Migration20261123163821_row_level_security extends Migration {
  override name = 'Migration20261123163821_row_level_security'

  override up(): void | Promise<void> {
    this.addSql(`alter table "organization" enable row level security;`)
    this.addSql(`alter table "organization" force row level security;`)
    this.addSql(
      `create policy "tenant_isolation" on "organization" using (current_setting('app.all_orgs', true) = 'on' or "id" = nullif(current_setting('app.org_id', true), '')::uuid) with check (current_setting('app.all_orgs', true) = 'on' or "id" = nullif(current_setting('app.org_id', true), '')::uuid);`,
    )

    this.addSql(`alter table "project" enable row level security;`)
    this.addSql(`alter table "project" force row level security;`)
    this.addSql(
      `create policy "tenant_isolation" on "project" using (current_setting('app.all_orgs', true) = 'on' or "org_id" = nullif(current_setting('app.org_id', true), '')::uuid) with check (current_setting('app.all_orgs', true) = 'on' or "org_id" = nullif(current_setting('app.org_id', true), '')::uuid);`,
    )

    this.addSql(`alter table "api_token" enable row level security;`)
    this.addSql(`alter table "api_token" force row level security;`)
    this.addSql(
      `create policy "tenant_isolation" on "api_token" using (current_setting('app.all_orgs', true) = 'on' or "org_id" = nullif(current_setting('app.org_id', true), '')::uuid) with check (current_setting('app.all_orgs', true) = 'on' or "org_id" = nullif(current_setting('app.org_id', true), '')::uuid);`,
    )

    this.addSql(`alter table "upload" enable row level security;`)
    this.addSql(`alter table "upload" force row level security;`)
    this.addSql(
      `create policy "tenant_isolation" on "upload" using (current_setting('app.all_orgs', true) = 'on' or "org_id" = nullif(current_setting('app.org_id', true), '')::uuid) with check (current_setting('app.all_orgs', true) = 'on' or "org_id" = nullif(current_setting('app.org_id', true), '')::uuid);`,
    )

    this.addSql(`alter table "run" enable row level security;`)
    this.addSql(`alter table "run" force row level security;`)
    this.addSql(
      `create policy "tenant_isolation" on "run" using (current_setting('app.all_orgs', true) = 'on' or "org_id" = nullif(current_setting('app.org_id', true), '')::uuid) with check (current_setting('app.all_orgs', true) = 'on' or "org_id" = nullif(current_setting('app.org_id', true), '')::uuid);`,
    )

    this.addSql(`alter table "test_result" enable row level security;`)
    this.addSql(`alter table "test_result" force row level security;`)
    this.addSql(
      `create policy "tenant_isolation" on "test_result" using (current_setting('app.all_orgs', true) = 'on' or "org_id" = nullif(current_setting('app.org_id', true), '')::uuid) with check (current_setting('app.all_orgs', true) = 'on' or "org_id" = nullif(current_setting('app.org_id', true), '')::uuid);`,
    )

    this.addSql(`alter table "app_user" enable row level security;`)
    this.addSql(`alter table "app_user" force row level security;`)
    this.addSql(
      `create policy "tenant_isolation" on "app_user" using (current_setting('app.all_orgs', true) = 'on' or "org_id" = nullif(current_setting('app.org_id', true), '')::uuid) with check (current_setting('app.all_orgs', true) = 'on' or "org_id" = nullif(current_setting('app.org_id', true), '')::uuid);`,
    )
  }

  override down(): void | Promise<void> {
    this.addSql(`drop policy "tenant_isolation" on "api_token";`)

    this.addSql(`drop policy "tenant_isolation" on "app_user";`)

    this.addSql(`drop policy "tenant_isolation" on "organization";`)

    this.addSql(`drop policy "tenant_isolation" on "project";`)

    this.addSql(`drop policy "tenant_isolation" on "run";`)

    this.addSql(`drop policy "tenant_isolation" on "test_result";`)

    this.addSql(`drop policy "tenant_isolation" on "upload";`)

    this.addSql(`alter table "api_token" no force row level security;`)
    this.addSql(`alter table "api_token" disable row level security;`)

    this.addSql(`alter table "app_user" no force row level security;`)
    this.addSql(`alter table "app_user" disable row level security;`)

    this.addSql(`alter table "organization" no force row level security;`)
    this.addSql(`alter table "organization" disable row level security;`)

    this.addSql(`alter table "project" no force row level security;`)
    this.addSql(`alter table "project" disable row level security;`)

    this.addSql(`alter table "run" no force row level security;`)
    this.addSql(`alter table "run" disable row level security;`)

    this.addSql(`alter table "test_result" no force row level security;`)
    this.addSql(`alter table "test_result" disable row level security;`)

    this.addSql(`alter table "upload" no force row level security;`)
    this.addSql(`alter table "upload" disable row level security;`)
  }
}
