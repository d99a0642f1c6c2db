import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { TimingsFile } from '@suitekit/reporter'
import type { Benchmark } from '../benchmark.ts'
import { progress } from '../measure.ts'

const run = promisify(execFile)
const apiDir = fileURLToPath(new URL('../../../apps/api/', import.meta.url))
const vitestBin = join(
  createRequire(join(apiDir, 'package.json')).resolve('vitest/package.json'),
  '..',
  'vitest.mjs',
)
const timingsPath = join(apiDir, '.suitekit', 'timings', 'timings.json')
/** suitekit runs before the naive run, and after it: the figure is the median of all of them. */
const SUITEKIT_RUNS_BEFORE = 2
const SUITEKIT_RUNS_AFTER = 3

/**
 * The API's test files that never use the suite's fixtures: they start what they test (the real
 * service twice, a lifespan through its states, real argon2id hashes), so they cost the same in
 * both modes. A suitekit run of these alone is a floor under every suitekit run: vitest's start,
 * each worker's imports, and these tests. `naive / floor` is the most that making the other tests
 * cheaper could ever give.
 */
const FLOOR_FILES = ['test/lifespan.test.ts', 'test/health.test.ts', 'test/units.test.ts']
const FLOOR_RUNS = 3

type Mode = 'naive' | 'suitekit'
type Engine = 'sqlite' | 'postgres'

/** One run of the API suite: wall time of the whole `vitest run`, and what its reporter recorded. */
interface SuiteRun {
  wallMs: number
  tests: number
  medianTestMs: number
  parallelEfficiency: number
  workers: number
}

/**
 * Runs apps/api's own test files as `vitest run` in a child process, in one mode on one engine.
 * Both modes run the same files with the same assertions; test/support/test-mode.ts switches what
 * the fixtures do (naive: schema refresh per test, login through the API, the full lifespan, one
 * worker). Coverage is off in both: it is not what is measured.
 */
async function runSuite(mode: Mode, engine: Engine, files: string[] = []): Promise<SuiteRun> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('VITEST') && k !== 'GITHUB_STEP_SUMMARY',
    ),
  )
  const started = performance.now()
  try {
    await run(process.execPath, [vitestBin, 'run', ...files], {
      cwd: apiDir,
      env: {
        ...env,
        NO_COLOR: '1',
        INSIGHTS_COVERAGE: 'false',
        INSIGHTS_TEST_MODE: mode,
        SUITEKIT_TEST_DB: engine,
      },
      maxBuffer: 64 * 1024 * 1024,
    })
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    throw new Error(
      `the API suite failed in ${mode} mode on ${engine}:\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`,
      {
        cause: error,
      },
    )
  }
  const wallMs = performance.now() - started
  const timings = JSON.parse(await readFile(timingsPath, 'utf8')) as TimingsFile
  const ran = timings.tests.filter((t) => t.state === 'passed').map((t) => t.durationMs)
  return {
    wallMs,
    tests: ran.length,
    medianTestMs: median(ran),
    parallelEfficiency: timings.parallelEfficiency,
    workers: timings.workers,
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length === 0
    ? 0
    : sorted.length % 2
      ? sorted[mid]!
      : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits

export const api: Benchmark = {
  description:
    "apps/api's suite, naive mode (refresh per test, login per test, full lifespan, 1 worker) vs suitekit mode, on SQLite and PostgreSQL",
  async run() {
    const rows: string[][] = []
    const ranges: string[] = []
    const figures: Record<string, number> = {}
    for (const engine of ['sqlite', 'postgres'] as const) {
      // a first suitekit run builds the template: later runs of an unchanged schema reuse it
      progress(`${engine}: warming up (builds the suitekit template once)`)
      await runSuite('suitekit', engine)
      // a suitekit run is short, so a burst of the machine's noise can double it, and the machine's
      // speed drifts over minutes: the figure is the median of suitekit runs made both before and
      // after the naive run (which is long enough to average its own noise out)
      const runs: SuiteRun[] = []
      const total = SUITEKIT_RUNS_BEFORE + SUITEKIT_RUNS_AFTER
      const suitekitRun = async () => {
        progress(`${engine}: suitekit mode, run ${runs.length + 1}/${total}`)
        runs.push(await runSuite('suitekit', engine))
      }
      for (let i = 0; i < SUITEKIT_RUNS_BEFORE; i++) await suitekitRun()
      progress(`${engine}: naive mode`)
      const naive = await runSuite('naive', engine)
      for (let i = 0; i < SUITEKIT_RUNS_AFTER; i++) await suitekitRun()
      const floors: number[] = []
      for (let i = 0; i < FLOOR_RUNS; i++) {
        progress(`${engine}: floor (${FLOOR_FILES.length} files), run ${i + 1}/${FLOOR_RUNS}`)
        floors.push((await runSuite('suitekit', engine, FLOOR_FILES)).wallMs)
      }
      const floorMs = median(floors)
      const byWall = [...runs].sort((a, b) => a.wallMs - b.wallMs)
      const suitekit = byWall[Math.floor(byWall.length / 2)]!
      const seconds = (list: SuiteRun[]) => list.map((r) => (r.wallMs / 1000).toFixed(2)).join(', ')
      ranges.push(
        `${engine} suitekit runs: ${seconds(runs.slice(0, SUITEKIT_RUNS_BEFORE))} s, then naive, then ${seconds(runs.slice(SUITEKIT_RUNS_BEFORE))} s (the median, ${(suitekit.wallMs / 1000).toFixed(2)} s, is the figure)`,
      )
      // the row-level security tests run in suitekit mode only (naive mode connects as the
      // superuser, whom the policies skip): suitekit runs 4 more tests on PostgreSQL, never fewer
      if (naive.tests > suitekit.tests) {
        throw new Error(
          `${engine}: naive mode passed ${naive.tests} tests, suitekit mode only ${suitekit.tests}`,
        )
      }
      const ratio = naive.wallMs / suitekit.wallMs
      const key = engine === 'sqlite' ? 'sqlite' : 'pg'
      ranges.push(
        `${engine} floor (suitekit mode, ${FLOOR_FILES.map((f) => f.replace(/^test\/|\.test\.ts$/g, '')).join(', ')} only): ${(floorMs / 1000).toFixed(2)} s, so no cut of the other tests' cost can take the ratio past ${(naive.wallMs / floorMs).toFixed(1)}x`,
      )
      for (const [mode, result] of [
        ['naive', naive],
        ['suitekit', suitekit],
      ] as const) {
        rows.push([
          engine,
          mode,
          String(result.tests),
          String(result.workers),
          (result.wallMs / 1000).toFixed(2),
          result.medianTestMs.toFixed(2),
          `${Math.round(result.parallelEfficiency * 100)}%`,
        ])
      }
      figures[`${key}_ratio`] = round(ratio)
      figures[`${key}_naive_wall_s`] = round(naive.wallMs / 1000)
      figures[`${key}_suitekit_wall_s`] = round(suitekit.wallMs / 1000)
      figures[`${key}_floor_wall_s`] = round(floorMs / 1000)
      figures[`${key}_ratio_ceiling`] = round(naive.wallMs / floorMs)
      figures[`${key}_naive_median_test_ms`] = round(naive.medianTestMs)
      figures[`${key}_suitekit_median_test_ms`] = round(suitekit.medianTestMs, 3)
      if (engine === 'sqlite') figures.parallel_efficiency = round(suitekit.parallelEfficiency, 3)
      else figures.pg_parallel_efficiency = round(suitekit.parallelEfficiency, 3)
    }
    const header = [
      'engine',
      'mode',
      'tests',
      'workers',
      'wall s',
      'median test ms',
      'parallel efficiency',
    ]
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
    const line = (cells: string[]) =>
      cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
    const table = [
      line(header),
      widths.map((w) => '-'.repeat(w)).join('  '),
      ...rows.map(line),
      '',
      ...ranges,
      `ratio (naive wall / suitekit wall): SQLite ${figures.sqlite_ratio}x, PostgreSQL ${figures.pg_ratio}x`,
    ].join('\n')
    return { table, figures }
  },
}
