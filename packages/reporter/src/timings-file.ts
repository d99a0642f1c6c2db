/** Version of the timings file format; bumped on any incompatible change. */
export const TIMINGS_VERSION = 1

/** One test's timing. */
export interface TestTiming {
  /** Test file, relative to the project root. */
  file: string
  /** Suites and test name, joined with ' > '. */
  name: string
  /** Total, including beforeEach/afterEach hooks and fixtures (vitest's `duration`). */
  durationMs: number
  state: 'passed' | 'failed' | 'skipped' | 'pending'
  /** Retries it needed; with `flaky`, it failed first and passed on a retry. */
  retries: number
  flaky: boolean
}

/** One test file's cost, split as vitest reports it. */
export interface FileTiming {
  file: string
  /** Importing the file and its dependencies (vitest's prepare + collect). */
  importMs: number
  collectMs: number
  /** setupFiles and environment. */
  setupMs: number
  /** Running the tests. */
  testsMs: number
  /** All of the above. */
  totalMs: number
  /** The worker slot (vitest's concurrencyId) that ran it. */
  worker: number
}

/** The JSON timings file: stable, versioned; see README for the schema. */
export interface TimingsFile {
  version: typeof TIMINGS_VERSION
  /** ISO time the run ended. */
  createdAt: string
  /** Wall time of the whole run. */
  wallMs: number
  /** Worker slots the run had (maxWorkers). */
  workers: number
  /** Sum over files of `totalMs`, per worker slot. */
  busyMs: Record<string, number>
  /** busy / (wall x workers), 0 to 1. */
  parallelEfficiency: number
  files: FileTiming[]
  tests: TestTiming[]
}
