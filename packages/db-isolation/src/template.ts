import type { Engine, IsolationOptions } from './isolation-options.js'
import { postgresTemplate, type PostgresTemplate } from './internal/postgres-engine.js'
import { resolveOptions, type ResolvedOptions } from './internal/resolve-options.js'
import { sqliteTemplate, type SqliteTemplate } from './internal/sqlite-engine.js'

/** The schema-and-seed image every worker database is cloned from. */
export interface Template {
  readonly engine: Engine
  /** Content hash of what defines the template (schema or migrations, seed version, engine). */
  readonly hash: string
  /** True when this call built it, false when it reused one from an earlier run. */
  readonly built: boolean
  /** Time spent building (0 when reused). */
  readonly buildMs: number
  /** SQLite: the template file. PostgreSQL: the template database. */
  readonly location: string
  /** @internal */
  readonly resolved: ResolvedOptions
  /** @internal */
  readonly sqlite?: SqliteTemplate
  /** @internal */
  readonly postgres?: PostgresTemplate
}

/**
 * Finds the template of the current schema version, or builds it: the schema (from migrations when
 * the project has them, else from entity metadata) and the seed, once. A warm run does no schema
 * work. Safe when several processes start at once.
 *
 * @example
 * const template = await createTemplate({ config: ormConfig, seed: seedRoles })
 * const worker = await openWorkerDatabase(template)
 */
export async function createTemplate(
  options: IsolationOptions,
  postgresUrl?: string,
): Promise<Template> {
  const resolved = resolveOptions(options, postgresUrl)
  if (resolved.engine === 'sqlite') {
    const sqlite = await sqliteTemplate(resolved)
    const { hash, built, buildMs, file } = sqlite
    return { engine: 'sqlite', hash, built, buildMs, location: file, resolved, sqlite }
  }
  const postgres = await postgresTemplate(resolved)
  const { hash, built, buildMs, name } = postgres
  return { engine: 'postgresql', hash, built, buildMs, location: name, resolved, postgres }
}
