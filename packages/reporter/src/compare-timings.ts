import type { TestTiming, TimingsFile } from './timings-file.js'

/** Options of {@link compareTimings}. */
export interface CompareOptions {
  /** A test is a regression when it got slower by more than this percentage... @default 20 */
  relativePct?: number
  /** ...and by more than this many milliseconds (so that 2 ms -> 4 ms is not one). @default 100 */
  absoluteMs?: number
  /** A test at or above this is slow; slow now and not before (or absent before) is new. @default 1000 */
  thresholdMs?: number
}

/** One test in both runs. */
export interface TestChange {
  file: string
  name: string
  baselineMs: number
  currentMs: number
  /** (current - baseline) / baseline x 100. */
  changePct: number
}

/** What changed between a baseline run and this one. */
export interface TimingsComparison {
  /** Slow now (at or above the threshold), and faster than it or absent in the baseline. */
  newSlow: TestTiming[]
  /** Slower by more than both thresholds, slowest change first. */
  regressions: TestChange[]
  /** Faster by more than both thresholds. */
  improvements: TestChange[]
  /** The whole suite: the sum of the file totals (busy time) in each run, so worker counts do not matter. */
  suite: { baselineMs: number; currentMs: number; changePct: number }
}

/** Compares a run's timings with a baseline run's: new slow tests, regressions, the suite's change. */
export function compareTimings(
  current: TimingsFile,
  baseline: TimingsFile,
  options: CompareOptions = {},
): TimingsComparison {
  const { relativePct = 20, absoluteMs = 100, thresholdMs = 1000 } = options
  for (const [name, value] of Object.entries({ relativePct, absoluteMs, thresholdMs })) {
    if (!Number.isFinite(value) || value < 0)
      throw new RangeError(`${name} must be a number >= 0, got ${value}`)
  }
  const key = (t: TestTiming) => `${t.file}\u0000${t.name}`
  const before = new Map(baseline.tests.filter(ran).map((t) => [key(t), t]))
  const newSlow: TestTiming[] = []
  const regressions: TestChange[] = []
  const improvements: TestChange[] = []
  for (const test of current.tests.filter(ran)) {
    const old = before.get(key(test))
    if (test.durationMs >= thresholdMs && (!old || old.durationMs < thresholdMs)) newSlow.push(test)
    if (!old) continue
    const delta = test.durationMs - old.durationMs
    const changePct = old.durationMs > 0 ? (delta / old.durationMs) * 100 : Infinity
    const change = {
      file: test.file,
      name: test.name,
      baselineMs: old.durationMs,
      currentMs: test.durationMs,
      changePct,
    }
    if (delta > absoluteMs && changePct > relativePct) regressions.push(change)
    else if (-delta > absoluteMs && -changePct > relativePct) improvements.push(change)
  }
  newSlow.sort((a, b) => b.durationMs - a.durationMs)
  regressions.sort((a, b) => b.currentMs - b.baselineMs - (a.currentMs - a.baselineMs))
  improvements.sort((a, b) => a.currentMs - a.baselineMs - (b.currentMs - b.baselineMs))
  const busy = (t: TimingsFile) => t.files.reduce((sum, f) => sum + f.totalMs, 0)
  const baselineMs = busy(baseline)
  const currentMs = busy(current)
  return {
    newSlow,
    regressions,
    improvements,
    suite: {
      baselineMs,
      currentMs,
      changePct: baselineMs > 0 ? ((currentMs - baselineMs) / baselineMs) * 100 : 0,
    },
  }
}

/** Passed or failed: a skipped test has no time worth comparing. */
function ran(test: TestTiming): boolean {
  return test.state === 'passed' || test.state === 'failed'
}
