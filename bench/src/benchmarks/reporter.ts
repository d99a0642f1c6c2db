import { execFile } from 'node:child_process'
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { imbalance, type TimingsFile } from '@suitekit/reporter'
import type { Benchmark } from '../benchmark.ts'
import { progress } from '../measure.ts'

const run = promisify(execFile)
const require = createRequire(import.meta.url)
const vitestBin = join(require.resolve('vitest/package.json'), '..', 'vitest.mjs')
const reporterDist = join(require.resolve('@suitekit/reporter/package.json'), '..', 'dist')
// under node_modules: bare imports resolve from here, and no task input of the repo changes
const workDir = fileURLToPath(
  new URL('../../node_modules/.cache/suitekit-reporter-bench/', import.meta.url),
)

const OVERHEAD_ROUNDS = 9
const FILES = 40
const TESTS_PER_FILE = 50
const SHARDS = 4

/** One vitest run in a child process; returns its wall time. */
async function vitest(
  root: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<number> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('VITEST') && k !== 'GITHUB_STEP_SUMMARY',
    ),
  )
  const started = performance.now()
  try {
    await run(process.execPath, [vitestBin, 'run', ...args], {
      cwd: root,
      env: { ...clean, NO_COLOR: '1', ...env },
      maxBuffer: 64 * 1024 * 1024,
    })
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    throw new Error(`vitest run ${args.join(' ')} failed in ${root}:\n${stdout}\n${stderr}`, {
      cause: error,
    })
  }
  return performance.now() - started
}

type Setup = 'plain' | 'full'

/**
 * A vitest config file (plain objects, so that it needs no import from the suite's folder):
 * `plain` without suitekit, `full` with the reporter, the timing runner and the timing sequencer,
 * imported by package name as a user's config does. Loading them, the reporter's work as each file
 * ends and its end-of-run work are timed into COST_FILE.
 */
function configFile(test: Record<string, unknown>, setup: Setup): string {
  if (setup === 'plain') return `export default { test: ${JSON.stringify(test)} }\n`
  return `import { writeFileSync } from 'node:fs'
const loadStartedAt = performance.now()
const { SuitekitReporter } = await import('@suitekit/reporter')
const { default: TimingSequencer } = await import('@suitekit/reporter/sequencer')
const loadMs = performance.now() - loadStartedAt
const reporter = new SuitekitReporter({ outputFile: process.env.TIMINGS_FILE ?? false, print: () => {} })
// the work as each file ends runs while the workers run: its thread's CPU time is what it takes
// from them (a clock would also count the time the workers had the cores)
const threadMs = () => { const { user, system } = process.threadCpuUsage(); return (user + system) / 1000 }
const moduleEnd = reporter.onTestModuleEnd.bind(reporter)
let moduleMs = 0
reporter.onTestModuleEnd = (module) => {
  const started = threadMs()
  moduleEnd(module)
  moduleMs += threadMs() - started
}
const end = reporter.onTestRunEnd.bind(reporter)
reporter.onTestRunEnd = async (...args) => {
  const started = performance.now()
  await end(...args)
  const endMs = performance.now() - started
  if (process.env.COST_FILE) writeFileSync(process.env.COST_FILE, JSON.stringify({ loadMs, moduleMs, endMs }))
}
export default {
  test: {
    ...${JSON.stringify(test)},
    runner: '@suitekit/reporter/runner',
    sequence: process.env.SUITEKIT_BENCH_COUNT_SHARDS ? {} : { sequencer: TimingSequencer },
    reporters: ['default', reporter],
  },
}
`
}

/**
 * Installs the built reporter into the work folder's node_modules as a copy, as npm installs its
 * tarball: vitest and vite then load it as a dependency (imported natively), not as source of the
 * project (bundled into the config, transformed for the workers), which costs a real install nothing.
 */
async function installReporter(): Promise<void> {
  const target = join(workDir, 'node_modules', '@suitekit', 'reporter')
  await rm(target, { recursive: true, force: true })
  await mkdir(target, { recursive: true })
  await cp(join(reporterDist, '..', 'package.json'), join(target, 'package.json'))
  await cp(reporterDist, join(target, 'dist'), { recursive: true })
}

async function writeConfigs(root: string, test: Record<string, unknown>): Promise<void> {
  for (const setup of ['plain', 'full'] as const)
    await writeFile(join(root, `${setup}.config.mjs`), configFile(test, setup))
}

/** Files of tests that each do a little real work, with hooks and a fixture. */
async function writeOverheadSuite(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true })
  await mkdir(root, { recursive: true })
  const file = `import { createHash } from 'node:crypto'
import { beforeEach, afterEach, test as base, expect } from 'vitest'
const test = base.extend({ data: async ({}, use) => { await use(Buffer.alloc(4096, 7)) } })
let rounds = 0
beforeEach(() => { rounds = 40 })
afterEach(() => { rounds = 0 })
for (let i = 0; i < ${TESTS_PER_FILE}; i++) {
  test('hashes ' + i, ({ data }) => {
    let digest = data
    for (let r = 0; r < rounds * 5; r++) digest = createHash('sha256').update(digest).digest()
    expect(digest.length).toBe(32)
  })
}
`
  for (let i = 0; i < FILES; i++) await writeFile(join(root, `work-${i}.test.ts`), file)
  const test = { include: ['*.test.ts'], maxWorkers: 2, isolate: false }
  await writeConfigs(root, test)
}

const AB_FILES = 40
const AB_TESTS_PER_FILE = 250

/**
 * The timing runner, switched off for the files named `*-plain`: one vitest run then holds files
 * with and without it, on the same warm workers, so that the machine's noise hits both.
 */
function abRunnerFile(): string {
  return `import { TestRunner } from 'vitest'
import TimingRunner from '@suitekit/reporter/runner'
const base = TestRunner.prototype
const plain = (task) => !task.file.name.includes('-timed')
export default class AbRunner extends TimingRunner {
  extendTaskContext(c) { return plain(c.task) ? base.extendTaskContext.call(this, c) : super.extendTaskContext(c) }
  onBeforeRunTask(t) { return plain(t) ? base.onBeforeRunTask.call(this, t) : super.onBeforeRunTask(t) }
  onBeforeTryTask(t, o) { return plain(t) ? base.onBeforeTryTask.call(this, t, o) : super.onBeforeTryTask(t, o) }
  runTask(t) { return plain(t) ? TestRunner.getTestFn(t)() : super.runTask(t) }
  onAfterRetryTask(t, o) { return plain(t) ? base.onAfterRetryTask.call(this, t, o) : super.onAfterRetryTask(t, o) }
  onAfterRunTask(t) { return plain(t) ? base.onAfterRunTask.call(this, t) : super.onAfterRunTask(t) }
  onAfterRunSuite(s) { return plain(s) ? base.onAfterRunSuite.call(this, s) : super.onAfterRunSuite(s) }
}
`
}

/**
 * Runs one warm-up file on each worker first (a worker's first file pays the JIT's warm-up), then
 * each pair of a plain and a timed file, in random order within the pair.
 */
const AB_SEQUENCER = `class AbSequencer {
  async shard(files) { return files }
  async sort(files) {
    const warm = files.filter((f) => f.moduleId.includes('-warm'))
    const rest = files.filter((f) => !f.moduleId.includes('-warm')).sort((a, b) => a.moduleId.localeCompare(b.moduleId))
    for (let i = 0; i + 1 < rest.length; i += 2) if (Math.random() < 0.5) [rest[i], rest[i + 1]] = [rest[i + 1], rest[i]]
    return [...warm, ...rest]
  }
}`

/** Files of trivial tests with hooks and a fixture, half of them without the timing runner. */
async function writeAbSuite(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true })
  await mkdir(root, { recursive: true })
  const file = `import { beforeEach, afterEach, test as base, expect } from 'vitest'
const test = base.extend({ data: async ({}, use) => { await use(7) } })
let rounds = 0
beforeEach(() => { rounds = 40 })
afterEach(() => { rounds = 0 })
for (let i = 0; i < ${AB_TESTS_PER_FILE}; i++) {
  test('adds ' + i, ({ data }) => { expect(data + rounds).toBe(47) })
}
`
  for (let i = 0; i < AB_FILES / 2; i++) {
    const pair = `f${String(i).padStart(2, '0')}`
    await writeFile(join(root, `${pair}-plain.test.ts`), file)
    await writeFile(join(root, `${pair}-timed.test.ts`), file)
  }
  for (const worker of [1, 2]) await writeFile(join(root, `w${worker}-warm.test.ts`), file)
  await writeFile(join(root, 'ab-runner.mjs'), abRunnerFile())
  const test = { include: ['*.test.ts'], maxWorkers: 2, isolate: false, runner: './ab-runner.mjs' }
  await writeFile(
    join(root, 'ab.config.mjs'),
    `import { SuitekitReporter } from '@suitekit/reporter'
${AB_SEQUENCER}
export default { test: { ...${JSON.stringify(test)}, sequence: { sequencer: AbSequencer }, reporters: [new SuitekitReporter({ outputFile: process.env.TIMINGS_FILE, print: () => {} })] } }
`,
  )
}

/**
 * The runner's cost per test in one A/B run, one figure per pair of identical files: the timed
 * file's test time minus the plain one's, per test. The median is taken over the pairs of every
 * run, so that a GC pause or a burst of noise in one file moves one pair, not a run's figure.
 */
async function runnerCostPerTest(path: string): Promise<number[]> {
  const timings = JSON.parse(await readFile(path, 'utf8')) as TimingsFile
  const pairs = new Map<string, { plain?: number; timed?: number }>()
  for (const { file, testsMs } of timings.files) {
    const match = /^(f\d+)-(plain|timed)\./.exec(file)
    if (!match) continue
    const pair = pairs.get(match[1]!) ?? {}
    pair[match[2] as 'plain' | 'timed'] = testsMs
    pairs.set(match[1]!, pair)
  }
  const costs: number[] = []
  for (const { plain, timed } of pairs.values()) {
    if (plain !== undefined && timed !== undefined) costs.push((timed - plain) / AB_TESTS_PER_FILE)
  }
  if (costs.length !== AB_FILES / 2) {
    throw new Error(`the A/B run reported ${costs.length} pairs of files, not ${AB_FILES / 2}`)
  }
  return costs
}

/** Test file durations of a skewed suite: two long files, a few medium, many short ones. */
const SKEWED_MS = [1600, 1200, 700, 600, 400, 300, 200, 200, 150, 150, 100, 100, 100, 80, 60, 60]

async function writeSkewedSuite(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true })
  await mkdir(root, { recursive: true })
  for (const [i, ms] of SKEWED_MS.entries()) {
    await writeFile(
      join(root, `file-${String(i).padStart(2, '0')}.test.ts`),
      `import { test } from 'vitest'\ntest('sleeps ${ms} ms', () => new Promise((r) => setTimeout(r, ${ms})))\n`,
    )
  }
  // one worker per shard: a shard's time is the sum of its files, as on a one-core CI machine
  const test = { include: ['*.test.ts'], maxWorkers: 1, isolate: false }
  await writeConfigs(root, test)
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** Busy time of one shard run: the sum of its files' totals, from its timings file. */
async function busyOf(path: string): Promise<number> {
  const timings = JSON.parse(await readFile(path, 'utf8')) as TimingsFile
  return timings.files.reduce((sum, f) => sum + f.totalMs, 0)
}

/** Reporter overhead on a real suite, and shard balance by count vs by recorded time. */
export const reporter: Benchmark = {
  description:
    'reporter overhead (with vs without, same suite) and 4-shard imbalance by count vs by time',
  async run() {
    const overheadRoot = join(workDir, 'overhead')
    const abRoot = join(workDir, 'ab')
    await installReporter()
    await writeOverheadSuite(overheadRoot)
    await writeAbSuite(abRoot)
    progress('overhead: warming up every configuration once')
    for (const setup of ['plain', 'full'])
      await vitest(overheadRoot, ['--config', `${setup}.config.mjs`])
    await vitest(abRoot, ['--config', 'ab.config.mjs'], {
      TIMINGS_FILE: join(abRoot, 'timings.json'),
    })
    const wall: Record<Setup, number[]> = { plain: [], full: [] }
    const endCost: number[] = []
    const moduleCost: number[] = []
    const loadCost: number[] = []
    const perTest: number[] = []
    const timings = join(overheadRoot, 'timings.json')
    const cost = join(overheadRoot, 'cost.txt')
    for (let round = 1; round <= OVERHEAD_ROUNDS; round++) {
      progress(
        `overhead: round ${round}/${OVERHEAD_ROUNDS} (${FILES * TESTS_PER_FILE} tests without and with suitekit; ${AB_FILES * AB_TESTS_PER_FILE} tests half with the runner, half without)`,
      )
      // alternated, so that machine noise hits every setup alike
      wall.plain.push(await vitest(overheadRoot, ['--config', 'plain.config.mjs']))
      wall.full.push(
        await vitest(overheadRoot, ['--config', 'full.config.mjs'], {
          TIMINGS_FILE: timings,
          COST_FILE: cost,
        }),
      )
      const costs = JSON.parse(await readFile(cost, 'utf8')) as {
        loadMs: number
        moduleMs: number
        endMs: number
      }
      endCost.push(costs.endMs)
      moduleCost.push(costs.moduleMs)
      loadCost.push(costs.loadMs)
      const abTimings = join(abRoot, 'timings.json')
      await vitest(abRoot, ['--config', 'ab.config.mjs'], { TIMINGS_FILE: abTimings })
      perTest.push(...(await runnerCostPerTest(abTimings)))
    }
    const plainMs = median(wall.plain)
    const fullMs = median(wall.full)
    // the runner's cost is inside the workers' test time: its cost per test, measured side by side
    // in one run, times the suite's tests, spread over the 2 workers; the reporter's is its work as
    // each file ends and at the end of the run, timed in place (the first overlaps the workers'
    // tests, but counts in full)
    const perTestMs = median(perTest)
    const runnerMs = (perTestMs * FILES * TESTS_PER_FILE) / 2
    const moduleMs = median(moduleCost)
    const reporterMs = median(endCost)
    const loadMs = median(loadCost)
    const overheadPct = ((runnerMs + moduleMs + reporterMs + loadMs) / plainMs) * 100
    const wallOverheadPct = ((fullMs - plainMs) / plainMs) * 100

    const shardRoot = join(workDir, 'shards')
    await writeSkewedSuite(shardRoot)
    progress('shards: recording the timings of a full run')
    const timingsFile = join(shardRoot, 'timings.json')
    await vitest(shardRoot, ['--config', 'full.config.mjs'], { TIMINGS_FILE: timingsFile })
    const countBusy: number[] = []
    const timingBusy: number[] = []
    for (let index = 1; index <= SHARDS; index++) {
      progress(`shards: shard ${index}/${SHARDS}, split by count (vitest) and by time (suitekit)`)
      const countFile = join(shardRoot, `count-${index}.json`)
      // the reporter only records; vitest's own sequencer splits by count
      await vitest(shardRoot, ['--config', 'full.config.mjs', `--shard=${index}/${SHARDS}`], {
        TIMINGS_FILE: countFile,
        SUITEKIT_BENCH_COUNT_SHARDS: '1',
      })
      countBusy.push(await busyOf(countFile))
      const timingFile = join(shardRoot, `timing-${index}.json`)
      await vitest(shardRoot, ['--config', 'full.config.mjs', `--shard=${index}/${SHARDS}`], {
        TIMINGS_FILE: timingFile,
        SUITEKIT_TIMINGS_FILE: timingsFile,
      })
      timingBusy.push(await busyOf(timingFile))
    }
    const countImbalance = imbalance(countBusy)
    const timingImbalance = imbalance(timingBusy)

    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`
    const table = [
      `reporter overhead, medians of ${OVERHEAD_ROUNDS} alternated rounds of ${FILES * TESTS_PER_FILE} tests (${FILES} files, 2 workers):`,
      `  wall without suitekit          ${s(plainMs)} (runs ranged ${s(Math.min(...wall.plain))} to ${s(Math.max(...wall.plain))}: the machine's noise)`,
      `  wall with suitekit             ${s(fullMs)} (${wallOverheadPct >= 0 ? '+' : ''}${wallOverheadPct.toFixed(1)} %; runs ranged ${s(Math.min(...wall.full))} to ${s(Math.max(...wall.full))})`,
      `  runner, in the workers         ${runnerMs.toFixed(1)} ms (${(perTestMs * 1000).toFixed(1)} µs per test x ${FILES * TESTS_PER_FILE} tests / 2 workers; per test: median of ${perTest.length} pairs of files with and without the runner, side by side in ${OVERHEAD_ROUNDS} runs)`,
      `  reporter, as each file ends    ${moduleMs.toFixed(1)} ms (CPU time of its thread, in place, summed over the ${FILES} files)`,
      `  reporter, at the end of run    ${reporterMs.toFixed(1)} ms (timed in place)`,
      `  loading reporter and sequencer ${loadMs.toFixed(1)} ms (timed in place, in the config)`,
      `  overhead by parts              ${overheadPct.toFixed(2)} % of the wall time (target: under 2 %; the wall difference above is the check when its ranges are tight)`,
      '',
      `4 shards of a skewed suite (16 files, ${s(SKEWED_MS.reduce((a, b) => a + b, 0))} of sleeps), busy time per shard:`,
      `  by file count (vitest --shard)  ${countBusy.map(s).join('  ')}   max/mean ${countImbalance.toFixed(2)}`,
      `  by recorded time (suitekit)     ${timingBusy.map(s).join('  ')}   max/mean ${timingImbalance.toFixed(2)}`,
    ].join('\n')
    return {
      table,
      figures: {
        overhead_pct: round(overheadPct),
        wall_overhead_pct: round(wallOverheadPct),
        plain_wall_ms: Math.round(plainMs),
        full_wall_ms: Math.round(fullMs),
        runner_ms: round(runnerMs),
        runner_us_per_test: round(perTestMs * 1000),
        reporter_module_end_ms: round(moduleMs),
        reporter_end_ms: round(reporterMs),
        load_ms: round(loadMs),
        count_shard_imbalance: round(countImbalance),
        timing_shard_imbalance: round(timingImbalance),
      },
    }
  },
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
