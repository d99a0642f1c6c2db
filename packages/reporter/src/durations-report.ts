import type { TimingsComparison } from './compare-timings.js'
import { efficiencyHint, formatSeconds } from './parallel-efficiency.js'
import type { PhaseSplit, TestTiming, TimingsFile } from './timings-file.js'

/** Options of {@link formatDurations}. */
export interface DurationsOptions {
  /** Rows in each table. @default 25 */
  slowest?: number
  /** Tests faster than this are left out of the slowest-tests table. @default 1000 */
  thresholdMs?: number
  /** CPU cores of the machine, for the hint. @default 1 */
  cores?: number
  /** A comparison with a baseline run, reported after the tables. */
  comparison?: TimingsComparison | undefined
  /** Budgets the run broke (see `checkBudgets`). */
  brokenBudgets?: readonly string[] | undefined
}

/** The slowest tests of a run at or above the threshold, slowest first. */
export function slowestTests(
  timings: TimingsFile,
  { slowest = 25, thresholdMs = 1000 }: DurationsOptions = {},
): TestTiming[] {
  return timings.tests
    .filter((t) => t.state !== 'skipped' && t.durationMs >= thresholdMs)
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, slowest)
}

/**
 * The end-of-run report, like pytest's `--durations`: slowest tests (split into setup, body and
 * teardown when the timing runner measured it), slowest files, parallel efficiency, flaky tests,
 * and the baseline comparison and broken budgets when given.
 */
export function formatDurations(timings: TimingsFile, options: DurationsOptions = {}): string {
  const { slowest = 25, thresholdMs = 1000, cores = 1, comparison, brokenBudgets } = options
  const tests = slowestTests(timings, options)
  const files = [...timings.files].sort((a, b) => b.totalMs - a.totalMs).slice(0, slowest)
  const lines: string[] = []
  lines.push(`slowest ${tests.length} test(s) at or above ${formatSeconds(thresholdMs)}:`)
  lines.push(
    ...table(
      ['total', 'setup', 'body', 'teardown', 'test'],
      tests.map((t) => [
        formatSeconds(t.durationMs),
        ...splitCells(t.split),
        `${t.file} > ${t.name}${t.flaky ? ' (flaky)' : ''}`,
      ]),
    ),
  )
  lines.push('', `slowest ${files.length} file(s):`)
  lines.push(
    ...table(
      ['total', 'import', 'collect', 'setup', 'tests', 'file'],
      files.map((f) =>
        [f.totalMs, f.importMs, f.collectMs, f.setupMs, f.testsMs]
          .map(formatSeconds)
          .concat(f.file),
      ),
    ),
  )
  const busy = Object.entries(timings.busyMs)
    .map(([worker, ms]) => `worker ${worker} ${formatSeconds(ms)}`)
    .join(', ')
  lines.push(
    '',
    `parallel efficiency ${Math.round(timings.parallelEfficiency * 100)}%: busy ${busy || 'none'} over ${formatSeconds(timings.wallMs)} wall x ${timings.workers} worker(s)`,
  )
  const hint = efficiencyHint(timings.files, timings.workers, timings.parallelEfficiency, cores)
  if (hint) lines.push(`hint: ${hint}`)
  if (timings.shard) {
    const { index, count, predictedMs } = timings.shard
    const busyMs = timings.files.reduce((sum, f) => sum + f.totalMs, 0)
    lines.push(
      `shard ${index}/${count}: ${formatSeconds(busyMs)} of busy time` +
        (predictedMs !== undefined ? `, predicted ${formatSeconds(predictedMs)}` : ''),
    )
  }
  const flaky = timings.tests.filter((t) => t.flaky)
  if (flaky.length > 0) {
    lines.push('', `${flaky.length} flaky test(s), failed, then passed on a retry:`)
    for (const t of flaky) lines.push(`  ${t.file} > ${t.name}: ${attemptsOf(t)}`)
  }
  if (comparison) lines.push('', ...formatComparison(comparison))
  if (brokenBudgets && brokenBudgets.length > 0) {
    lines.push('', `${brokenBudgets.length} budget(s) exceeded, the run fails:`)
    for (const broken of brokenBudgets) lines.push(`  ${broken}`)
  }
  return lines.join('\n')
}

/** The comparison with a baseline, as report lines. */
function formatComparison(comparison: TimingsComparison): string[] {
  const { suite, newSlow, regressions, improvements } = comparison
  const sign = suite.changePct >= 0 ? '+' : ''
  const lines = [
    `compared with the baseline: suite ${formatSeconds(suite.baselineMs)} -> ${formatSeconds(suite.currentMs)} of busy time (${sign}${suite.changePct.toFixed(0)}%), ` +
      `${newSlow.length} new slow test(s), ${regressions.length} regression(s), ${improvements.length} improvement(s)`,
  ]
  if (newSlow.length > 0) {
    lines.push('new slow tests:')
    for (const t of newSlow) lines.push(`  ${formatSeconds(t.durationMs)}  ${t.file} > ${t.name}`)
  }
  if (regressions.length > 0) {
    lines.push('regressions:')
    lines.push(
      ...table(
        ['baseline', 'now', 'change', 'test'],
        regressions.map((r) => [
          formatSeconds(r.baselineMs),
          formatSeconds(r.currentMs),
          formatPct(r.changePct),
          `${r.file} > ${r.name}`,
        ]),
      ),
    )
  }
  return lines
}

/** `0.36s failed, 0.36s passed` */
export function attemptsOf(test: TestTiming): string {
  if (!test.attempts) return `${test.retries} retr${test.retries === 1 ? 'y' : 'ies'}`
  return test.attempts.map((a) => `${formatSeconds(a.durationMs)} ${a.state}`).join(', ')
}

/** `+35%`, or `new` when the baseline time was 0. */
export function formatPct(pct: number): string {
  return Number.isFinite(pct) ? `${pct >= 0 ? '+' : ''}${pct.toFixed(0)}%` : 'new'
}

function splitCells(split: PhaseSplit | undefined): string[] {
  if (!split) return ['-', '-', '-']
  return [split.setupMs, split.bodyMs, split.teardownMs].map(formatSeconds)
}

/** Aligned columns; numbers right-aligned, the last column left as it is. */
function table(header: string[], rows: string[][]): string[] {
  if (rows.length === 0) return ['  (none)']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) =>
    '  ' + cells.map((c, i) => (i === cells.length - 1 ? c : c.padStart(widths[i]!))).join('  ')
  return [line(header), ...rows.map(line)]
}
