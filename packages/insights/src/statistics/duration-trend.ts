import type { SqlEntityManager } from '@mikro-orm/sql'
import { checkRecentRuns, rows, type RecentRunsScope } from './recent-runs.js'
import { round } from './slowest-tests.js'

/** One run's point on a project's duration trend. */
export interface TrendPoint {
  runId: string
  createdAt: string
  branch: string | null
  commit: string | null
  /** The run's wall time, when the upload said. */
  wallMs: number | null
  /** The sum of the durations of the tests looked at (all the run's tests, or the one asked for). */
  totalMs: number
  /** How many of those tests ran. */
  tests: number
}

/**
 * How a project's test durations moved over its latest runs, oldest first: the whole suite, or one
 * test (`test: { file, name }`). Runs in which the test did not run are left out.
 */
export async function durationTrend(
  em: SqlEntityManager,
  scope: RecentRunsScope & { test?: { file: string; name?: string | undefined } | undefined },
): Promise<TrendPoint[]> {
  checkRecentRuns(scope.runs)
  const params: unknown[] = [scope.orgId, scope.projectId]
  let branch = ''
  if (scope.branch !== undefined) {
    branch = ' and branch = ?'
    params.push(scope.branch)
  }
  params.push(scope.runs)
  let testFilter = ''
  if (scope.test) {
    testFilter = ' and t.file = ?'
    params.push(scope.test.file)
    if (scope.test.name !== undefined) {
      testFilter += ' and t.name = ?'
      params.push(scope.test.name)
    }
  }
  const found = await rows<Record<string, unknown>>(
    em,
    `select run.id, run.created_at, run.branch, run."commit", run.wall_ms,` +
      ` sum(t.duration_ms) as total_ms, count(*) as tests` +
      ` from (select * from run where org_id = ? and project_id = ?${branch}` +
      ` order by created_at desc, id desc limit ?) run` +
      ` join test_result t on t.run_id = run.id and t.status <> 'skipped'${testFilter}` +
      ` group by run.id, run.created_at, run.branch, run."commit", run.wall_ms` +
      ` order by run.created_at, run.id`,
    params,
  )
  return found.map((row) => ({
    runId: String(row.id),
    createdAt: toIso(row.created_at),
    branch: typeof row.branch === 'string' ? row.branch : null,
    commit: typeof row.commit === 'string' ? row.commit : null,
    wallMs: row.wall_ms === null ? null : Number(row.wall_ms),
    totalMs: round(Number(row.total_ms)),
    tests: Number(row.tests),
  }))
}

/** A timestamp as the driver returns it (a Date on PostgreSQL, epoch milliseconds or text on SQLite). */
export function toIso(value: unknown): string {
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'number') return new Date(value).toISOString()
  if (typeof value === 'bigint') return new Date(Number(value)).toISOString()
  const text = String(value)
  const asNumber = Number(text)
  return new Date(Number.isFinite(asNumber) ? asNumber : text).toISOString()
}
