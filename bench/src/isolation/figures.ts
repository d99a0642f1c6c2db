import type { EngineRun } from './engine-run.ts'
import { STRATEGIES } from './strategies.ts'

/** suitekit's per-test overhead, the test's own work excluded: the median of an empty test. */
export function overheadMs(run: EngineRun): number {
  return run.isolationOnly.suitekit.medianMs
}

/** suitekit's whole-test median minus the bare work's: the same overhead, seen through noise. */
export function differenceOverheadMs(run: EngineRun): number {
  return run.perTest.suitekit.medianMs - run.perTest.bare.medianMs
}

/** A strategy's isolation cost (empty test) divided by suitekit's. */
export function isolationRatio(run: EngineRun, strategy: keyof EngineRun['perTest']): number {
  return run.isolationOnly[strategy].medianMs / run.isolationOnly.suitekit.medianMs
}

/** A strategy's whole-test median (work included) divided by suitekit's. */
export function ratioToSuitekit(run: EngineRun, strategy: keyof EngineRun['perTest']): number {
  return run.perTest[strategy].medianMs / run.perTest.suitekit.medianMs
}

/** The JSON-line figures of every engine, plus `warm_run_schema_builds` over all of them. */
export function isolationFigures(runs: readonly EngineRun[]): Record<string, number> {
  const figures: Record<string, number> = {}
  let warmBuilds = 0
  for (const run of runs) {
    const k = run.key
    for (const s of STRATEGIES) figures[`${k}_${s}_ms`] = run.perTest[s].medianMs
    for (const s of STRATEGIES) figures[`${k}_${s}_isolation_ms`] = run.isolationOnly[s].medianMs
    figures[`${k}_overhead_ms`] = overheadMs(run)
    figures[`${k}_overhead_difference_ms`] = differenceOverheadMs(run)
    for (const s of ['clear', 'refresh', 'clone'] as const) {
      figures[`${k}_${s}_ratio`] = isolationRatio(run, s)
      figures[`${k}_${s}_total_ratio`] = ratioToSuitekit(run, s)
    }
    if (run.serverStartMs !== undefined) figures[`${k}_server_start_ms`] = run.serverStartMs
    if (run.provisioning) {
      const { cold, warm } = run.provisioning
      figures[`${k}_cold_template_ms`] = cold.templateMs
      figures[`${k}_cold_build_ms`] = cold.buildMs
      figures[`${k}_cold_ready_ms`] = cold.readyMs
      figures[`${k}_warm_template_ms`] = warm.templateMs
      figures[`${k}_warm_ready_ms`] = warm.readyMs
      warmBuilds += warm.builds
    }
  }
  figures.warm_run_schema_builds = warmBuilds
  return figures
}
