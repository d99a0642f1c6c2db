import { textTable } from './text-table.ts'

/** A target a figure of the JSON line must meet. */
interface Budget {
  name: string
  figure: string
  op: '<' | '>=' | '='
  limit: number
  unit: string
}

// The design's start-up budget is for warm runs ("a warm run builds no schema; a worker database
// is ready in < 5 ms / < 200 ms"); cold start-up is reported in the provisioning table, not judged.
const BUDGETS: readonly Budget[] = [
  {
    name: 'suitekit overhead, SQLite :memory:',
    figure: 'sqlite_mem_overhead_ms',
    op: '<',
    limit: 0.1,
    unit: ' ms',
  },
  {
    name: 'suitekit overhead, PostgreSQL',
    figure: 'pg_overhead_ms',
    op: '<',
    limit: 0.5,
    unit: ' ms',
  },
  {
    name: 'clear / suitekit, PostgreSQL',
    figure: 'pg_clear_ratio',
    op: '>=',
    limit: 10,
    unit: 'x',
  },
  {
    name: 'refresh / suitekit, PostgreSQL',
    figure: 'pg_refresh_ratio',
    op: '>=',
    limit: 50,
    unit: 'x',
  },
  {
    name: 'schema builds in warm runs',
    figure: 'warm_run_schema_builds',
    op: '=',
    limit: 0,
    unit: '',
  },
  {
    name: 'worker database ready, SQLite, warm',
    figure: 'sqlite_mem_warm_ready_ms',
    op: '<',
    limit: 5,
    unit: ' ms',
  },
  {
    name: 'worker database ready, PostgreSQL, warm',
    figure: 'pg_warm_ready_ms',
    op: '<',
    limit: 200,
    unit: ' ms',
  },
]

/** The budgets, each with its measured figure and whether it was met. */
export function budgetTable(figures: Record<string, number>): string {
  const rows = BUDGETS.map((b) => {
    const value = figures[b.figure]
    const met =
      value !== undefined &&
      (b.op === '<' ? value < b.limit : b.op === '>=' ? value >= b.limit : value === b.limit)
    const shown = value === undefined ? 'n/a' : `${round(value)}${b.unit}`
    return [b.name, `${b.op} ${b.limit}${b.unit}`, shown, met ? 'met' : 'MISSED']
  })
  return textTable(['budget', 'target', 'measured', 'verdict'], rows)
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value < 1 ? value.toFixed(4) : value.toFixed(2)
}
