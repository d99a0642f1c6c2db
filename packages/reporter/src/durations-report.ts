import { efficiencyHint, formatSeconds } from './parallel-efficiency.js'
import type { TimingsFile } from './timings-file.js'

/** Options of {@link formatDurations}. */
export interface DurationsOptions {
  /** Rows in each table. @default 25 */
  slowest?: number
  /** Tests faster than this are left out of the slowest-tests table. @default 1000 */
  thresholdMs?: number
  /** CPU cores of the machine, for the hint. @default 1 */
  cores?: number
}

/** The end-of-run report: slowest tests, slowest files, parallel efficiency (like pytest --durations). */
export function formatDurations(timings: TimingsFile, options: DurationsOptions = {}): string {
  const { slowest = 25, thresholdMs = 1000, cores = 1 } = options
  const tests = timings.tests
    .filter((t) => t.state !== 'skipped' && t.durationMs >= thresholdMs)
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, slowest)
  const files = [...timings.files].sort((a, b) => b.totalMs - a.totalMs).slice(0, slowest)
  const lines: string[] = []
  lines.push(`slowest ${tests.length} test(s) at or above ${formatSeconds(thresholdMs)}:`)
  lines.push(
    ...table(
      ['total', 'test'],
      tests.map((t) => [
        formatSeconds(t.durationMs),
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
  return lines.join('\n')
}

/** Aligned columns; numbers right-aligned, the last column left as it is. */
function table(header: string[], rows: string[][]): string[] {
  if (rows.length === 0) return ['  (none)']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) =>
    '  ' + cells.map((c, i) => (i === cells.length - 1 ? c : c.padStart(widths[i]!))).join('  ')
  return [line(header), ...rows.map(line)]
}
