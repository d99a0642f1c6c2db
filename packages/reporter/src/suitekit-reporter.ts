import { mkdir, writeFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { dirname, relative, resolve } from 'node:path'
import type { Reporter, TestModule, Vitest } from 'vitest/node'
import { formatDurations } from './durations-report.js'
import { parallelEfficiency } from './parallel-efficiency.js'
import {
  TIMINGS_VERSION,
  type FileTiming,
  type TestTiming,
  type TimingsFile,
} from './timings-file.js'

/** Options of the reporter: `reporters: ['default', ['@suitekit/reporter', { ... }]]`. */
export interface SuitekitReporterOptions {
  /** Rows in the slowest tests and files tables. @default 25 */
  slowest?: number
  /** Tests faster than this stay out of the slowest-tests table; 1000 is pytest's habit, 100 suits JS unit tests. @default 1000 */
  thresholdMs?: number
  /** Where the JSON timings file goes, relative to the project root; `false` for none. @default '.suitekit/timings/timings.json' */
  outputFile?: string | false
  /** Where the report is printed. @default process.stdout.write */
  print?: (text: string) => void
}

/**
 * A vitest reporter for where the suite's time goes: the slowest tests and files, each worker's
 * busy time and the run's parallel efficiency, and a JSON timings file for CI and shard planning.
 */
export class SuitekitReporter implements Reporter {
  private readonly options: SuitekitReporterOptions
  private root = process.cwd()
  private workers = 1
  private startedAt = 0
  /** The timings of the last run, once it ended. */
  timings: TimingsFile | undefined

  constructor(options: SuitekitReporterOptions = {}) {
    this.options = options
  }

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root
    this.workers = Math.max(1, Number(vitest.config.maxWorkers) || 1)
  }

  onTestRunStart(): void {
    this.startedAt = performance.now()
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    const wallMs = performance.now() - this.startedAt
    const files: FileTiming[] = []
    const tests: TestTiming[] = []
    for (const module of modules) {
      const file = relative(this.root, module.moduleId)
      const d = module.diagnostic()
      const importMs = d.prepareDuration
      const setupMs = d.environmentSetupDuration + d.setupDuration
      files.push({
        file,
        importMs,
        collectMs: d.collectDuration,
        setupMs,
        testsMs: d.duration,
        totalMs: importMs + d.collectDuration + setupMs + d.duration,
        worker: d.concurrencyId,
      })
      for (const test of module.children.allTests()) {
        const result = test.result()
        const diagnostic = test.diagnostic()
        tests.push({
          file,
          name: test.fullName,
          durationMs: diagnostic?.duration ?? 0,
          state: result.state,
          retries: diagnostic?.retryCount ?? 0,
          flaky: diagnostic?.flaky ?? false,
        })
      }
    }
    const { busyMs, efficiency } = parallelEfficiency(files, wallMs, this.workers)
    this.timings = {
      version: TIMINGS_VERSION,
      createdAt: new Date().toISOString(),
      wallMs,
      workers: this.workers,
      busyMs,
      parallelEfficiency: efficiency,
      files,
      tests,
    }
    const { outputFile = '.suitekit/timings/timings.json' } = this.options
    if (outputFile !== false) {
      const path = resolve(this.root, outputFile)
      await mkdir(dirname(path), { recursive: true })
      await writeFile(path, `${JSON.stringify(this.timings, null, 2)}\n`)
    }
    const print = this.options.print ?? ((text: string) => void process.stdout.write(text))
    const report = formatDurations(this.timings, { ...this.options, cores: availableParallelism() })
    print(`\n${report}\n`)
  }
}
