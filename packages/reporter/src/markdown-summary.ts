import type { TimingsComparison } from './compare-timings.js'
import { attemptsOf, formatPct, slowestTests } from './durations-report.js'
import { formatSeconds } from './parallel-efficiency.js'
import type { TimingsFile } from './timings-file.js'

/** Options of {@link formatMarkdownSummary}. */
export interface MarkdownSummaryOptions {
  /** Rows in the slowest-tests table. @default 25 */
  slowest?: number
  /** @default 1000 */
  thresholdMs?: number
  comparison?: TimingsComparison | undefined
  brokenBudgets?: readonly string[] | undefined
}

/** The run's report as GitHub-flavoured Markdown, for `$GITHUB_STEP_SUMMARY`. */
export function formatMarkdownSummary(
  timings: TimingsFile,
  options: MarkdownSummaryOptions = {},
): string {
  const { thresholdMs = 1000, comparison, brokenBudgets } = options
  const shard = timings.shard ? ` (shard ${timings.shard.index}/${timings.shard.count})` : ''
  const out: string[] = [`### Test timings${shard}`, '']
  out.push(
    `${timings.tests.length} tests in ${timings.files.length} files, ${formatSeconds(timings.wallMs)} wall on ${timings.workers} worker(s), parallel efficiency **${Math.round(timings.parallelEfficiency * 100)}%**`,
    '',
  )
  if (brokenBudgets && brokenBudgets.length > 0) {
    out.push('**Budgets exceeded, the run fails:**', '')
    for (const broken of brokenBudgets) out.push(`- ${escape(broken)}`)
    out.push('')
  }
  const tests = slowestTests(timings, options)
  out.push(`#### Slowest tests at or above ${formatSeconds(thresholdMs)}`, '')
  if (tests.length === 0) out.push('None.', '')
  else {
    out.push('| total | setup | body | teardown | test |', '|---:|---:|---:|---:|---|')
    for (const t of tests) {
      const [setup, body, teardown] = t.split
        ? [t.split.setupMs, t.split.bodyMs, t.split.teardownMs].map(formatSeconds)
        : ['-', '-', '-']
      out.push(
        `| ${formatSeconds(t.durationMs)} | ${setup} | ${body} | ${teardown} | \`${escape(t.file)}\` > ${escape(t.name)}${t.flaky ? ' (flaky)' : ''} |`,
      )
    }
    out.push('')
  }
  const flaky = timings.tests.filter((t) => t.flaky)
  if (flaky.length > 0) {
    out.push('#### Flaky tests (failed, then passed on a retry)', '')
    for (const t of flaky) out.push(`- \`${escape(t.file)}\` > ${escape(t.name)}: ${attemptsOf(t)}`)
    out.push('')
  }
  if (comparison) {
    const { suite, newSlow, regressions } = comparison
    out.push(
      '#### Compared with the baseline',
      '',
      `Suite busy time ${formatSeconds(suite.baselineMs)} → ${formatSeconds(suite.currentMs)} (${formatPct(suite.changePct)}); ${newSlow.length} new slow test(s), ${regressions.length} regression(s).`,
      '',
    )
    if (regressions.length > 0) {
      out.push('| baseline | now | change | test |', '|---:|---:|---:|---|')
      for (const r of regressions) {
        out.push(
          `| ${formatSeconds(r.baselineMs)} | ${formatSeconds(r.currentMs)} | ${formatPct(r.changePct)} | \`${escape(r.file)}\` > ${escape(r.name)} |`,
        )
      }
      out.push('')
    }
    for (const t of newSlow)
      out.push(
        `- new slow: \`${escape(t.file)}\` > ${escape(t.name)} (${formatSeconds(t.durationMs)})`,
      )
    if (newSlow.length > 0) out.push('')
  }
  return out.join('\n')
}

/** Keeps a name from breaking the table. */
function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}
