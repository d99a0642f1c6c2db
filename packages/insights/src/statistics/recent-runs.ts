import type { SqlEntityManager } from '@mikro-orm/sql'

/** Which runs a statistic looks at: one project's latest runs. */
export interface RecentRunsScope {
  /** The caller's organization: every statistic is scoped to it. */
  orgId: string
  projectId: string
  /** How many of the project's latest runs to look at. */
  runs: number
  /** Only runs of this branch, when given. */
  branch?: string | undefined
}

/** The largest `runs` a statistic accepts: bounds the work of one request. */
export const MAX_RECENT_RUNS = 500

/** @throws {RangeError} unless `runs` is an integer from 1 to {@link MAX_RECENT_RUNS} */
export function checkRecentRuns(runs: number): void {
  if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RECENT_RUNS) {
    throw new RangeError(`runs must be an integer from 1 to ${MAX_RECENT_RUNS}, got ${runs}`)
  }
}

/**
 * The SQL condition "a test result of one of the scope's latest runs", with its parameters, for
 * `test_result` aliased `r`.
 */
export function recentResultsCondition(scope: RecentRunsScope): { sql: string; params: unknown[] } {
  checkRecentRuns(scope.runs)
  const branch = scope.branch === undefined ? '' : ' and branch = ?'
  return {
    sql:
      `r.org_id = ? and r.project_id = ? and r.run_id in (select id from run` +
      ` where org_id = ? and project_id = ?${branch} order by created_at desc, id desc limit ?)`,
    params: [
      scope.orgId,
      scope.projectId,
      scope.orgId,
      scope.projectId,
      ...(scope.branch === undefined ? [] : [scope.branch]),
      scope.runs,
    ],
  }
}

/** Runs `sql` and returns its rows (numbers from PostgreSQL's `bigint` and `numeric` come as strings). */
export function rows<T>(em: SqlEntityManager, sql: string, params: unknown[]): Promise<T[]> {
  return em.execute<T[]>(sql, params)
}
