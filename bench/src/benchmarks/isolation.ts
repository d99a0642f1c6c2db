import type { Benchmark } from '../benchmark.ts'
import { progress } from '../measure.ts'
import type { EngineRun } from '../isolation/engine-run.ts'
import { isolationFigures } from '../isolation/figures.ts'
import { benchPostgres } from '../isolation/postgres.ts'
import { isolationReport } from '../isolation/report.ts'
import { benchSqliteFile } from '../isolation/sqlite-file.ts'
import { benchSqliteMemory } from '../isolation/sqlite-memory.ts'

/** Per-test cost of rollback isolation vs TRUNCATE, drop+create and a clone per test, on three engines. */
export const isolation: Benchmark = {
  description: 'per-test DB isolation: rolled-back transaction vs clear, refresh, clone per test',
  async run() {
    const runs: EngineRun[] = [
      await benchSqliteMemory({
        iterations: { bare: 2000, suitekit: 2000, clear: 500, refresh: 25, clone: 150 },
        log: progress,
      }),
      await benchSqliteFile({
        iterations: { bare: 800, suitekit: 800, clear: 150, refresh: 15, clone: 60 },
        log: progress,
      }),
      await benchPostgres({
        iterations: { bare: 1500, suitekit: 1500, clear: 80, refresh: 25, clone: 20 },
        log: progress,
      }),
    ]
    const figures = isolationFigures(runs)
    return { table: isolationReport(runs, figures), figures }
  },
}
