import type { SqlEntityManager } from '@mikro-orm/sql'
import { recentResultsCondition, rows, type RecentRunsScope } from './recent-runs.js'

/** One test's durations over the runs looked at. */
export interface SlowTest {
  file: string
  name: string
  /** Runs the test ran in (skipped runs not counted). */
  runs: number
  meanMs: number
  maxMs: number
  /** Duration in the latest of those runs. */
  lastMs: number
}

/**
 * The slowest tests of a project's latest runs, by mean duration, slowest first; skipped tests
 * are left out. Ties are broken by file and name, so pages are stable.
 */
export async function slowestTests(
  em: SqlEntityManager,
  scope: RecentRunsScope & { limit: number },
): Promise<SlowTest[]> {
  const recent = recentResultsCondition(scope)
  const found = await rows<Record<string, unknown>>(
    em,
    `select r.file, r.name, count(*) as runs, avg(r.duration_ms) as mean_ms, max(r.duration_ms) as max_ms,` +
      ` max(r.id) as last_id from test_result r where ${recent.sql} and r.status <> 'skipped'` +
      ` group by r.file, r.name order by mean_ms desc, r.file, r.name limit ?`,
    [...recent.params, scope.limit],
  )
  const lastIds = found.map((row) => Number(row.last_id))
  const last = new Map<number, number>()
  if (lastIds.length > 0) {
    const lastRows = await rows<{ id: unknown; duration_ms: unknown }>(
      em,
      `select id, duration_ms from test_result where id in (${lastIds.map(() => '?').join(', ')})`,
      lastIds,
    )
    for (const row of lastRows) last.set(Number(row.id), Number(row.duration_ms))
  }
  return found.map((row) => ({
    file: String(row.file),
    name: String(row.name),
    runs: Number(row.runs),
    meanMs: round(Number(row.mean_ms)),
    maxMs: round(Number(row.max_ms)),
    lastMs: round(last.get(Number(row.last_id)) ?? Number(row.max_ms)),
  }))
}

export function round(ms: number): number {
  return Math.round(ms * 100) / 100
}
