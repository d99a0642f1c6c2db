import type { SqlEntityManager } from '@mikro-orm/sql'
import { recentResultsCondition, rows, type RecentRunsScope } from './recent-runs.js'
import { round } from './slowest-tests.js'

/** A test that did not give the same answer every time over the runs looked at. */
export interface FlakyTest {
  file: string
  name: string
  /** Runs the test ran in (skipped runs not counted). */
  runs: number
  /** Runs where it failed, then passed on a retry. */
  flakyRuns: number
  failedRuns: number
  passedRuns: number
  /** (flaky + failed runs) / runs, from 0 to 1. */
  flakeRate: number
}

/**
 * Tests of a project's latest runs that passed on a retry at least once, or both passed and
 * failed: the highest flake rate first.
 */
export async function flakyTests(
  em: SqlEntityManager,
  scope: RecentRunsScope & { limit: number },
): Promise<FlakyTest[]> {
  const recent = recentResultsCondition(scope)
  const found = await rows<Record<string, unknown>>(
    em,
    `select file, name, runs, flaky_runs, failed_runs, passed_runs from (` +
      `select r.file, r.name, count(*) as runs,` +
      ` sum(case when r.status = 'flaky' then 1 else 0 end) as flaky_runs,` +
      ` sum(case when r.status = 'failed' then 1 else 0 end) as failed_runs,` +
      ` sum(case when r.status = 'passed' then 1 else 0 end) as passed_runs` +
      ` from test_result r where ${recent.sql} and r.status <> 'skipped' group by r.file, r.name` +
      `) t where flaky_runs > 0 or (failed_runs > 0 and passed_runs > 0)` +
      ` order by (flaky_runs + failed_runs) * 1.0 / runs desc, runs desc, file, name limit ?`,
    [...recent.params, scope.limit],
  )
  return found.map((row) => {
    const runs = Number(row.runs)
    const flakyRuns = Number(row.flaky_runs)
    const failedRuns = Number(row.failed_runs)
    return {
      file: String(row.file),
      name: String(row.name),
      runs,
      flakyRuns,
      failedRuns,
      passedRuns: Number(row.passed_runs),
      flakeRate: round((flakyRuns + failedRuns) / runs),
    }
  })
}
