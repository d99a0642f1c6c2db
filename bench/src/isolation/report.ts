import { formatMs, formatTable } from '../measure.ts'
import { budgetTable } from './budgets.ts'
import type { EngineRun } from './engine-run.ts'
import { differenceOverheadMs, isolationRatio, overheadMs, ratioToSuitekit } from './figures.ts'
import type { Provisioning } from './provisioning.ts'
import { STRATEGIES, STRATEGY_LABELS } from './strategies.ts'
import { textTable } from './text-table.ts'

/** The printed report: per-engine timings, the side-by-side summary, provisioning and budgets. */
export function isolationReport(
  runs: readonly EngineRun[],
  figures: Record<string, number>,
): string {
  return [
    'A test = insert 5 related rows (org, user, project, task, comment) + read the task back.',
    'Strategies of one engine run in interleaved rounds; times are of one whole test (ms).',
    ...runs.map(
      (run) =>
        `\n== ${run.label}: one whole test ==\n${formatTable(STRATEGIES.map((s) => run.perTest[s]))}` +
        `\n\n== ${run.label}: an empty test (the isolation alone) ==\n${formatTable(STRATEGIES.map((s) => run.isolationOnly[s]))}`,
    ),
    `\n== Isolation cost per test (empty test, ms) and ratio to suitekit ==\n${isolationTable(runs)}`,
    `\n== Whole test (5 inserts + a read, ms) and ratio to suitekit ==\n${summaryTable(runs)}`,
    'overhead = the median of an empty test under suitekit (fork, BEGIN, ROLLBACK, checks);',
    'the difference of whole-test medians (in parentheses) says the same through the noise of the work.',
    `\n== Provisioning per worker (createTemplate + openWorkerDatabase) ==\n${provisioningTable(runs)}`,
    `\n== Budgets ==\n${budgetTable(figures)}`,
  ].join('\n')
}

function summaryTable(runs: readonly EngineRun[]): string {
  const header = ['strategy', ...runs.flatMap((r) => [`${shortName(r)} ms`, 'x suitekit'])]
  const rows = STRATEGIES.map((s) => [
    STRATEGY_LABELS[s],
    ...runs.flatMap((r) => [formatMs(r.perTest[s].medianMs), ratioToSuitekit(r, s).toFixed(1)]),
  ])
  rows.push([
    'suitekit overhead (empty test)',
    ...runs.flatMap((r) => [formatMs(overheadMs(r)), `(${formatMs(differenceOverheadMs(r))})`]),
  ])
  return textTable(header, rows)
}

function isolationTable(runs: readonly EngineRun[]): string {
  const header = ['isolation', ...runs.flatMap((r) => [`${shortName(r)} ms`, 'x suitekit'])]
  const rows = STRATEGIES.filter((s) => s !== 'bare').map((s) => [
    STRATEGY_LABELS[s],
    ...runs.flatMap((r) => [
      formatMs(r.isolationOnly[s].medianMs),
      isolationRatio(r, s).toFixed(1),
    ]),
  ])
  return textTable(header, rows)
}

function provisioningTable(runs: readonly EngineRun[]): string {
  const header = [
    'engine, phase',
    'createTemplate ms',
    'schema build ms',
    'worker ready ms',
    'schema builds',
    'worker db reused',
  ]
  const row = (name: string, p: Provisioning) => [
    name,
    formatMs(p.templateMs),
    formatMs(p.buildMs),
    formatMs(p.readyMs),
    `${p.builds}/${p.repetitions}`,
    `${p.reused}/${p.repetitions}`,
  ]
  const rows: string[][] = []
  for (const run of runs) {
    if (!run.provisioning) continue
    const { cold, warm } = run.provisioning
    rows.push(row(`${shortName(run)}, cold`, cold))
    rows.push(row(`${shortName(run)}, warm (median of ${warm.repetitions})`, warm))
  }
  const server = runs.find((r) => r.serverStartMs !== undefined)
  const note = server
    ? `\n(${shortName(server)}: starting the throwaway server took ${formatMs(server.serverStartMs!)} ms, not included above)`
    : ''
  return textTable(header, rows) + note
}

function shortName(run: EngineRun): string {
  return run.key === 'sqlite_mem'
    ? 'SQLite mem'
    : run.key === 'sqlite_file'
      ? 'SQLite file'
      : 'PostgreSQL'
}
