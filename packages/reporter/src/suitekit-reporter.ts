import { appendFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { relative, resolve } from 'node:path'
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node'
import { checkBudgets, type TimingBudgets } from './budgets.js'
import { compareTimings, type CompareOptions, type TimingsComparison } from './compare-timings.js'
import { formatDurations } from './durations-report.js'
import { formatMarkdownSummary } from './markdown-summary.js'
import { parallelEfficiency } from './parallel-efficiency.js'
import { shardPrediction } from './shard-prediction.js'
import type {} from './task-meta.js'
import { DEFAULT_TIMINGS_FILE, readTimingsFile } from './read-timings-file.js'
import {
  TIMINGS_VERSION,
  type CiInfo,
  type FileTiming,
  type PhaseSplit,
  type ShardInfo,
  type TestTiming,
  type TimingsFile,
} from './timings-file.js'
import { uploadTimings } from './upload-timings.js'
import { writeTimingsFile } from './write-timings-file.js'

/** What the slowest-tests table shows by default, by preset. */
export const DURATION_PRESETS: {
  readonly pytest: { readonly slowest: number; readonly thresholdMs: number }
  readonly js: { readonly slowest: number; readonly thresholdMs: number }
} = {
  pytest: { slowest: 25, thresholdMs: 1000 },
  js: { slowest: 25, thresholdMs: 100 },
}

/** Options of the reporter: `reporters: ['default', new SuitekitReporter({ ... })]`. */
export interface SuitekitReporterOptions {
  /**
   * `'pytest'`: the 25 slowest tests of 1 s or more (`pytest --durations=25 --durations-min=1.0`);
   * `'js'`: of 100 ms or more, for JS suites whose tests are mostly fast. `slowest` and
   * `thresholdMs` override it. @default 'pytest'
   */
  preset?: keyof typeof DURATION_PRESETS
  /** Rows in the slowest tests and files tables. @default 25 */
  slowest?: number
  /** Tests faster than this stay out of the slowest-tests table. @default 1000 (100 with the 'js' preset) */
  thresholdMs?: number
  /**
   * Where the JSON timings file goes, relative to the project root; `false` for none.
   * @default '.suitekit/timings/timings.json', or `timings.shard-<i>-of-<n>.json` beside it in a sharded run
   */
  outputFile?: string | false
  /** A timings file to compare this run with (new slow tests, regressions); skipped with a note when missing. */
  baselineFile?: string
  /** Thresholds of the comparison with the baseline. */
  compare?: CompareOptions
  /** Limits that fail the run: a slowest test, a suite slower than its baseline. */
  budgets?: TimingBudgets
  /** Append a Markdown summary to `$GITHUB_STEP_SUMMARY`. @default true when that variable is set */
  githubSummary?: boolean
  /** Where the report is printed. @default process.stdout.write */
  print?: (text: string) => void
  /** Where warnings go (a missing baseline, a failed upload). @default process.stderr.write */
  warn?: (text: string) => void
}

/**
 * A vitest reporter for where the suite's time goes: the slowest tests (split into setup, body and
 * teardown with `runner: '@suitekit/reporter/runner'`) and files, each worker's busy time and the
 * run's parallel efficiency, flaky tests, a JSON timings file for CI and shard planning, a baseline
 * comparison, budgets, a GitHub step summary, and an optional upload to the Insights API
 * (`SUITEKIT_INSIGHTS_URL` and `SUITEKIT_INSIGHTS_TOKEN`).
 */
export class SuitekitReporter implements Reporter {
  private readonly options: SuitekitReporterOptions
  private root = process.cwd()
  private workers = 1
  private shard: { index: number; count: number } | undefined
  private startedAt = 0
  /** Each test file's timings, taken as it ends, so that the end of the run has little left to do. */
  private readonly byModule = new Map<TestModule, ModuleTimings>()
  /** The timings of the last run, once it ended. */
  timings: TimingsFile | undefined
  /** The comparison with the baseline of the last run, when there was one. */
  comparison: TimingsComparison | undefined
  /** The budgets the last run broke. */
  brokenBudgets: string[] = []

  constructor(options: SuitekitReporterOptions = {}) {
    const preset = options.preset ?? 'pytest'
    if (!Object.hasOwn(DURATION_PRESETS, preset)) {
      throw new Error(
        `@suitekit/reporter: unknown preset '${String(preset)}'; use ${Object.keys(DURATION_PRESETS)
          .map((p) => `'${p}'`)
          .join(' or ')}`,
      )
    }
    this.options = { ...DURATION_PRESETS[preset], ...stripUndefined(options) }
  }

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root
    this.workers = Math.max(1, Number(vitest.config.maxWorkers) || 1)
    this.shard = vitest.config.shard
  }

  onTestRunStart(): void {
    this.startedAt = performance.now()
    this.byModule.clear()
  }

  onTestModuleEnd(module: TestModule): void {
    this.byModule.set(module, this.moduleTimings(module))
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    const wallMs = performance.now() - this.startedAt
    const print = this.options.print ?? ((text: string) => void process.stdout.write(text))
    const warn = this.options.warn ?? ((text: string) => void process.stderr.write(text))
    const timings = this.collect(modules, wallMs)
    this.timings = timings

    const outputFile = this.outputFile()
    if (outputFile !== false) writeTimingsFile(resolve(this.root, outputFile), timings)

    this.comparison = await this.compareWithBaseline(timings, warn)
    this.brokenBudgets = checkBudgets(timings, this.options.budgets ?? {}, this.comparison)
    const shown = {
      slowest: this.options.slowest,
      thresholdMs: this.options.thresholdMs,
      comparison: this.comparison,
      brokenBudgets: this.brokenBudgets,
    }
    print(`\n${formatDurations(timings, { ...shown, cores: availableParallelism() })}\n`)

    const summaryPath = process.env.GITHUB_STEP_SUMMARY
    if (summaryPath && this.options.githubSummary !== false) {
      await appendFile(summaryPath, `${formatMarkdownSummary(timings, shown)}\n`)
    }
    // vitest set the exit code from the test results before this; a broken budget fails the run too
    if (this.brokenBudgets.length > 0) process.exitCode = 1
    await this.upload(timings, warn)
  }

  /** The timings file of this run. */
  private collect(modules: ReadonlyArray<TestModule>, wallMs: number): TimingsFile {
    const files: FileTiming[] = []
    const tests: TestTiming[] = []
    for (const module of modules) {
      // a module that never reported its end (it did not run) is taken now
      const timings = this.byModule.get(module) ?? this.moduleTimings(module)
      files.push(timings.file)
      for (const test of timings.tests) tests.push(test)
    }
    const { busyMs, efficiency } = parallelEfficiency(files, wallMs, this.workers)
    const shard = this.shardInfo()
    const ci = ciInfo()
    return {
      version: TIMINGS_VERSION,
      createdAt: new Date().toISOString(),
      wallMs: round(wallMs),
      workers: this.workers,
      busyMs,
      parallelEfficiency: round(efficiency, 10_000),
      ...(shard ? { shard } : {}),
      ...(ci ? { ci } : {}),
      files,
      tests,
    }
  }

  /** One test file's timing and its tests'. */
  private moduleTimings(module: TestModule): ModuleTimings {
    const file = relative(this.root, module.moduleId)
    const d = module.diagnostic()
    const importMs = d.prepareDuration
    const setupMs = d.environmentSetupDuration + d.setupDuration
    const tests: TestTiming[] = []
    for (const test of module.children.allTests()) tests.push(testTiming(file, test))
    return {
      file: {
        file,
        importMs: round(importMs),
        collectMs: round(d.collectDuration),
        setupMs: round(setupMs),
        testsMs: round(d.duration),
        totalMs: round(importMs + d.collectDuration + setupMs + d.duration),
        worker: d.concurrencyId,
      },
      tests,
    }
  }

  private shardInfo(): ShardInfo | undefined {
    if (!this.shard) return undefined
    const { index, count } = this.shard
    const predicted = shardPrediction()
    return predicted && predicted.index === index && predicted.count === count
      ? predicted
      : { index, count }
  }

  private outputFile(): string | false {
    const { outputFile } = this.options
    if (outputFile !== undefined) return outputFile
    if (!this.shard) return DEFAULT_TIMINGS_FILE
    // a shard must not overwrite the merged timings its plan was made from
    return DEFAULT_TIMINGS_FILE.replace(
      /\.json$/,
      `.shard-${this.shard.index}-of-${this.shard.count}.json`,
    )
  }

  private async compareWithBaseline(
    timings: TimingsFile,
    warn: (text: string) => void,
  ): Promise<TimingsComparison | undefined> {
    const { baselineFile } = this.options
    if (!baselineFile) return undefined
    const path = resolve(this.root, baselineFile)
    const baseline = await readTimingsFile(path)
    if (!baseline) {
      warn(`@suitekit/reporter: no baseline at ${path}; nothing to compare with\n`)
      return undefined
    }
    return compareTimings(timings, baseline, {
      thresholdMs: this.options.thresholdMs,
      ...this.options.compare,
    })
  }

  private async upload(timings: TimingsFile, warn: (text: string) => void): Promise<void> {
    const url = process.env.SUITEKIT_INSIGHTS_URL
    if (!url) return
    const token = process.env.SUITEKIT_INSIGHTS_TOKEN
    if (!token) {
      warn(
        '@suitekit/reporter: SUITEKIT_INSIGHTS_URL is set but SUITEKIT_INSIGHTS_TOKEN is not; the timings were not uploaded\n',
      )
      return
    }
    const result = await uploadTimings(timings, { url, token })
    if (!result.ok) {
      warn(
        `@suitekit/reporter: could not upload the timings to ${url} (${result.reason}); the test run is not affected\n`,
      )
    }
  }
}

/** What one test file contributes to the timings file. */
interface ModuleTimings {
  file: FileTiming
  tests: TestTiming[]
}

/**
 * One test's timing from vitest's report, with the split `@suitekit/reporter/runner` measured
 * (each attempt's setup, body and teardown, flat, in the test's meta).
 */
function testTiming(file: string, test: TestCase): TestTiming {
  const diagnostic = test.diagnostic()
  const phases = test.meta().suitekitPhases ?? []
  const timing: TestTiming = {
    file,
    name: test.fullName,
    durationMs: round(diagnostic?.duration ?? 0),
    state: test.result().state,
    retries: diagnostic?.retryCount ?? 0,
    flaky: diagnostic?.flaky ?? false,
  }
  const split = splitOf(phases, phases.length / 3 - 1)
  if (split) timing.split = split
  // only a retried or repeated test has more than one attempt: the others skip building the list
  if (timing.retries > 0 || (diagnostic?.repeatCount ?? 0) > 0) {
    timing.attempts = test.attempts().map((attempt, i) => {
      const attemptSplit = splitOf(phases, i)
      return {
        durationMs: round(attempt.duration),
        state: attempt.state,
        ...(attemptSplit ? { split: attemptSplit } : {}),
      }
    })
  }
  return timing
}

/** The split of attempt `attempt` (0-based), when the runner measured it. */
function splitOf(phases: number[], attempt: number): PhaseSplit | undefined {
  if (attempt < 0 || phases.length < attempt * 3 + 3) return undefined
  return {
    setupMs: phases[attempt * 3]!,
    bodyMs: phases[attempt * 3 + 1]!,
    teardownMs: phases[attempt * 3 + 2]!,
  }
}

/** The commit and job, from GitHub Actions' variables. */
function ciInfo(): CiInfo | undefined {
  const env = process.env
  const info: CiInfo = {}
  const branch = env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME
  if (branch) info.branch = branch
  if (env.GITHUB_SHA) info.commit = env.GITHUB_SHA
  if (env.GITHUB_JOB) info.job = env.GITHUB_JOB
  if (env.GITHUB_RUN_ID) info.runId = env.GITHUB_RUN_ID
  return Object.keys(info).length > 0 ? info : undefined
}

function round(value: number, scale = 100): number {
  return Math.round(value * scale) / scale
}

/** The options that were given, so that an explicit `undefined` does not hide a preset's value. */
function stripUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as Partial<T>
}
