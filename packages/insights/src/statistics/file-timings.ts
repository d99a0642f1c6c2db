import type { SqlEntityManager } from '@mikro-orm/sql'
import type { TimedFile } from '@suitekit/reporter'
import { recentResultsCondition, rows, type RecentRunsScope } from './recent-runs.js'
import { round } from './slowest-tests.js'

/**
 * Each test file's time in a project's latest runs: the mean, over the runs the file ran in, of
 * the sum of its tests' durations. What a shard plan is made from.
 */
export async function fileTimings(
  em: SqlEntityManager,
  scope: RecentRunsScope,
): Promise<TimedFile[]> {
  const recent = recentResultsCondition(scope)
  const found = await rows<{ file: unknown; mean_ms: unknown }>(
    em,
    `select file, avg(total_ms) as mean_ms from (` +
      `select r.file, r.run_id, sum(r.duration_ms) as total_ms from test_result r` +
      ` where ${recent.sql} group by r.file, r.run_id) per_run group by file order by file`,
    recent.params,
  )
  return found.map((row) => ({ file: String(row.file), durationMs: round(Number(row.mean_ms)) }))
}
