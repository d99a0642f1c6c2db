import { Migration } from '@mikro-orm/migrations'

export class Migration20261123114842_initial extends Migration {
  override name = 'Migration20261123114842_initial'

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`organization\` (\`id\` text not null primary key, \`name\` text not null, \`created_at\` datetime not null);`,
    )

    this.addSql(
      `create table \`project\` (\`id\` text not null primary key, \`org_id\` text not null, \`name\` text not null, \`slug\` text not null, \`created_at\` datetime not null, constraint \`project_org_id_foreign\` foreign key (\`org_id\`) references \`organization\` (\`id\`) on delete cascade);`,
    )
    this.addSql(`create index \`project_org_id_index\` on \`project\` (\`org_id\`);`)
    this.addSql(
      `create unique index \`project_org_id_slug_unique\` on \`project\` (\`org_id\`, \`slug\`);`,
    )

    this.addSql(
      `create table \`api_token\` (\`id\` text not null primary key, \`org_id\` text not null, \`project_id\` text not null, \`name\` text not null, \`prefix\` text not null, \`token_hash\` text not null, \`created_at\` datetime not null, \`last_used_at\` datetime null, \`revoked_at\` datetime null, constraint \`api_token_org_id_foreign\` foreign key (\`org_id\`) references \`organization\` (\`id\`) on delete cascade, constraint \`api_token_project_id_foreign\` foreign key (\`project_id\`) references \`project\` (\`id\`) on delete cascade);`,
    )
    this.addSql(`create index \`api_token_org_id_index\` on \`api_token\` (\`org_id\`);`)
    this.addSql(`create index \`api_token_project_id_index\` on \`api_token\` (\`project_id\`);`)
    this.addSql(
      `create unique index \`api_token_token_hash_unique\` on \`api_token\` (\`token_hash\`);`,
    )

    this.addSql(
      `create table \`upload\` (\`id\` text not null primary key, \`org_id\` text not null, \`project_id\` text not null, \`content_type\` text not null, \`body\` text not null, \`size_bytes\` integer not null, \`status\` text check (\`status\` in ('queued', 'processing', 'done', 'failed')) not null default 'queued', \`reason\` text null, \`created_at\` datetime not null, \`started_at\` datetime null, \`finished_at\` datetime null, constraint \`upload_org_id_foreign\` foreign key (\`org_id\`) references \`organization\` (\`id\`) on delete cascade, constraint \`upload_project_id_foreign\` foreign key (\`project_id\`) references \`project\` (\`id\`) on delete cascade);`,
    )
    this.addSql(`create index \`upload_org_id_index\` on \`upload\` (\`org_id\`);`)
    this.addSql(`create index \`upload_project_id_index\` on \`upload\` (\`project_id\`);`)
    this.addSql(
      `create index \`upload_status_created_at_index\` on \`upload\` (\`status\`, \`created_at\`);`,
    )
    this.addSql(
      `create index \`upload_project_id_created_at_index\` on \`upload\` (\`project_id\`, \`created_at\`);`,
    )

    this.addSql(
      `create table \`run\` (\`id\` text not null primary key, \`org_id\` text not null, \`project_id\` text not null, \`upload_id\` text null, \`branch\` text null, \`commit\` text null, \`ci_job\` text null, \`shard_index\` integer null, \`shard_count\` integer null, \`wall_ms\` double null, \`test_count\` integer not null default 0, \`failed_count\` integer not null default 0, \`created_at\` datetime not null, constraint \`run_org_id_foreign\` foreign key (\`org_id\`) references \`organization\` (\`id\`) on delete cascade, constraint \`run_project_id_foreign\` foreign key (\`project_id\`) references \`project\` (\`id\`) on delete cascade, constraint \`run_upload_id_foreign\` foreign key (\`upload_id\`) references \`upload\` (\`id\`) on delete set null);`,
    )
    this.addSql(`create index \`run_org_id_index\` on \`run\` (\`org_id\`);`)
    this.addSql(`create index \`run_project_id_index\` on \`run\` (\`project_id\`);`)
    this.addSql(`create unique index \`run_upload_id_unique\` on \`run\` (\`upload_id\`);`)
    this.addSql(
      `create index \`run_project_id_created_at_index\` on \`run\` (\`project_id\`, \`created_at\`);`,
    )

    this.addSql(
      `create table \`test_result\` (\`id\` integer not null primary key autoincrement, \`org_id\` text not null, \`project_id\` text not null, \`run_id\` text not null, \`file\` text not null, \`name\` text not null, \`duration_ms\` double not null, \`status\` text check (\`status\` in ('passed', 'failed', 'skipped', 'flaky')) not null, \`retries\` integer not null default 0, constraint \`test_result_org_id_foreign\` foreign key (\`org_id\`) references \`organization\` (\`id\`) on delete cascade, constraint \`test_result_project_id_foreign\` foreign key (\`project_id\`) references \`project\` (\`id\`) on delete cascade, constraint \`test_result_run_id_foreign\` foreign key (\`run_id\`) references \`run\` (\`id\`) on delete cascade);`,
    )
    this.addSql(`create index \`test_result_org_id_index\` on \`test_result\` (\`org_id\`);`)
    this.addSql(
      `create index \`test_result_project_id_index\` on \`test_result\` (\`project_id\`);`,
    )
    this.addSql(
      `create index \`test_result_project_id_file_name_index\` on \`test_result\` (\`project_id\`, \`file\`, \`name\`);`,
    )
    this.addSql(`create index \`test_result_run_id_index\` on \`test_result\` (\`run_id\`);`)

    this.addSql(
      `create table \`app_user\` (\`id\` text not null primary key, \`org_id\` text not null, \`email\` text not null, \`password_hash\` text not null, \`role\` text check (\`role\` in ('admin', 'member', 'viewer')) not null, \`created_at\` datetime not null, constraint \`app_user_org_id_foreign\` foreign key (\`org_id\`) references \`organization\` (\`id\`) on delete cascade);`,
    )
    this.addSql(`create index \`app_user_org_id_index\` on \`app_user\` (\`org_id\`);`)
    this.addSql(`create unique index \`app_user_email_unique\` on \`app_user\` (\`email\`);`)
  }

  override down(): void | Promise<void> {
    // children first: SQLite checks the foreign keys of a dropped table's referrers
    this.addSql(`drop table if exists \`app_user\`;`)
    this.addSql(`drop table if exists \`test_result\`;`)
    this.addSql(`drop table if exists \`run\`;`)
    this.addSql(`drop table if exists \`upload\`;`)
    this.addSql(`drop table if exists \`api_token\`;`)
    this.addSql(`drop table if exists \`project\`;`)
    this.addSql(`drop table if exists \`organization\`;`)
  }
}
