import { formatSeconds } from './parallel-efficiency.js'
import type { TimingsComparison } from './compare-timings.js'
import type { TimingsFile } from './timings-file.js'

/** Limits that fail the run when exceeded. */
export interface TimingBudgets {
  /** No test may take longer than this (its total, hooks and fixtures included). */
  testMs?: number
  /** The suite (busy time) may not be slower than the baseline by more than this percentage. */
  suiteOverBaselinePct?: number
}

/** The budgets a run broke, one sentence each; empty when it kept them all. */
export function checkBudgets(
  timings: TimingsFile,
  budgets: TimingBudgets,
  comparison: TimingsComparison | undefined,
): string[] {
  const broken: string[] = []
  const { testMs, suiteOverBaselinePct } = budgets
  if (testMs !== undefined) {
    for (const test of timings.tests) {
      if (test.durationMs > testMs) {
        broken.push(
          `${test.file} > ${test.name} took ${formatSeconds(test.durationMs)}, over the ${formatSeconds(testMs)} budget per test`,
        )
      }
    }
  }
  if (suiteOverBaselinePct !== undefined && comparison) {
    const { baselineMs, currentMs, changePct } = comparison.suite
    if (changePct > suiteOverBaselinePct) {
      broken.push(
        `the suite took ${formatSeconds(currentMs)} of busy time, ${changePct.toFixed(0)}% over the baseline's ${formatSeconds(baselineMs)} (budget: ${suiteOverBaselinePct}%)`,
      )
    }
  }
  return broken
}
