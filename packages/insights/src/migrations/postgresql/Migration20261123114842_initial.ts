import { Migration } from '@mikro-orm/migrations'

export class Migration20261123114842_initial extends Migration {
  override name = 'Migration20261123114842_initial'

  override up(): void | Promise<void> {
    this.addSql(
      `create table "organization" ("id" uuid not null, "name" varchar(200) not null, "created_at" timestamptz not null, primary key ("id"));`,
    )

    this.addSql(
      `create table "project" ("id" uuid not null, "org_id" uuid not null, "name" varchar(200) not null, "slug" varchar(100) not null, "created_at" timestamptz not null, primary key ("id"));`,
    )
    this.addSql(
      `alter table "project" add constraint "project_org_id_slug_unique" unique ("org_id", "slug");`,
    )

    this.addSql(
      `create table "api_token" ("id" uuid not null, "org_id" uuid not null, "project_id" uuid not null, "name" varchar(200) not null, "prefix" varchar(16) not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`,
    )
    this.addSql(
      `alter table "api_token" add constraint "api_token_token_hash_unique" unique ("token_hash");`,
    )

    this.addSql(
      `create table "upload" ("id" uuid not null, "org_id" uuid not null, "project_id" uuid not null, "content_type" varchar(100) not null, "body" text not null, "size_bytes" int not null, "status" text not null default 'queued', "reason" text null, "created_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null, primary key ("id"));`,
    )
    this.addSql(
      `create index "upload_status_created_at_index" on "upload" ("status", "created_at");`,
    )
    this.addSql(
      `create index "upload_project_id_created_at_index" on "upload" ("project_id", "created_at");`,
    )

    this.addSql(
      `create table "run" ("id" uuid not null, "org_id" uuid not null, "project_id" uuid not null, "upload_id" uuid null, "branch" varchar(250) null, "commit" varchar(64) null, "ci_job" varchar(250) null, "shard_index" int null, "shard_count" int null, "wall_ms" double precision null, "test_count" int not null default 0, "failed_count" int not null default 0, "created_at" timestamptz not null, primary key ("id"));`,
    )
    this.addSql(`alter table "run" add constraint "run_upload_id_unique" unique ("upload_id");`)
    this.addSql(
      `create index "run_project_id_created_at_index" on "run" ("project_id", "created_at");`,
    )

    this.addSql(
      `create table "test_result" ("id" serial primary key, "org_id" uuid not null, "project_id" uuid not null, "run_id" uuid not null, "file" varchar(1000) not null, "name" varchar(2000) not null, "duration_ms" double precision not null, "status" text not null, "retries" int not null default 0);`,
    )
    this.addSql(
      `create index "test_result_project_id_file_name_index" on "test_result" ("project_id", "file", "name");`,
    )
    this.addSql(`create index "test_result_run_id_index" on "test_result" ("run_id");`)

    this.addSql(
      `create table "app_user" ("id" uuid not null, "org_id" uuid not null, "email" varchar(320) not null, "password_hash" text not null, "role" text not null, "created_at" timestamptz not null, primary key ("id"));`,
    )
    this.addSql(`alter table "app_user" add constraint "app_user_email_unique" unique ("email");`)

    this.addSql(
      `alter table "project" add constraint "project_org_id_foreign" foreign key ("org_id") references "organization" ("id") on delete cascade;`,
    )

    this.addSql(
      `alter table "api_token" add constraint "api_token_org_id_foreign" foreign key ("org_id") references "organization" ("id") on delete cascade;`,
    )
    this.addSql(
      `alter table "api_token" add constraint "api_token_project_id_foreign" foreign key ("project_id") references "project" ("id") on delete cascade;`,
    )

    this.addSql(
      `alter table "upload" add constraint "upload_org_id_foreign" foreign key ("org_id") references "organization" ("id") on delete cascade;`,
    )
    this.addSql(
      `alter table "upload" add constraint "upload_project_id_foreign" foreign key ("project_id") references "project" ("id") on delete cascade;`,
    )
    this.addSql(
      `alter table "upload" add constraint "upload_status_check" check ("status" in ('queued', 'processing', 'done', 'failed'));`,
    )

    this.addSql(
      `alter table "run" add constraint "run_org_id_foreign" foreign key ("org_id") references "organization" ("id") on delete cascade;`,
    )
    this.addSql(
      `alter table "run" add constraint "run_project_id_foreign" foreign key ("project_id") references "project" ("id") on delete cascade;`,
    )
    this.addSql(
      `alter table "run" add constraint "run_upload_id_foreign" foreign key ("upload_id") references "upload" ("id") on delete set null;`,
    )

    this.addSql(
      `alter table "test_result" add constraint "test_result_org_id_foreign" foreign key ("org_id") references "organization" ("id") on delete cascade;`,
    )
    this.addSql(
      `alter table "test_result" add constraint "test_result_project_id_foreign" foreign key ("project_id") references "project" ("id") on delete cascade;`,
    )
    this.addSql(
      `alter table "test_result" add constraint "test_result_run_id_foreign" foreign key ("run_id") references "run" ("id") on delete cascade;`,
    )
    this.addSql(
      `alter table "test_result" add constraint "test_result_status_check" check ("status" in ('passed', 'failed', 'skipped', 'flaky'));`,
    )

    this.addSql(
      `alter table "app_user" add constraint "app_user_org_id_foreign" foreign key ("org_id") references "organization" ("id") on delete cascade;`,
    )
    this.addSql(
      `alter table "app_user" add constraint "app_user_role_check" check ("role" in ('admin', 'member', 'viewer'));`,
    )
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "project" drop constraint "project_org_id_foreign";`)
    this.addSql(`alter table "api_token" drop constraint "api_token_org_id_foreign";`)
    this.addSql(`alter table "upload" drop constraint "upload_org_id_foreign";`)
    this.addSql(`alter table "run" drop constraint "run_org_id_foreign";`)
    this.addSql(`alter table "test_result" drop constraint "test_result_org_id_foreign";`)
    this.addSql(`alter table "app_user" drop constraint "app_user_org_id_foreign";`)
    this.addSql(`alter table "api_token" drop constraint "api_token_project_id_foreign";`)
    this.addSql(`alter table "upload" drop constraint "upload_project_id_foreign";`)
    this.addSql(`alter table "run" drop constraint "run_project_id_foreign";`)
    this.addSql(`alter table "test_result" drop constraint "test_result_project_id_foreign";`)
    this.addSql(`alter table "run" drop constraint "run_upload_id_foreign";`)
    this.addSql(`alter table "test_result" drop constraint "test_result_run_id_foreign";`)

    this.addSql(`drop table if exists "organization" cascade;`)
    this.addSql(`drop table if exists "project" cascade;`)
    this.addSql(`drop table if exists "api_token" cascade;`)
    this.addSql(`drop table if exists "upload" cascade;`)
    this.addSql(`drop table if exists "run" cascade;`)
    this.addSql(`drop table if exists "test_result" cascade;`)
    this.addSql(`drop table if exists "app_user" cascade;`)
  }
}
