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
  /**
   * The last attempt split into setup (`beforeEach` hooks, fixture setup), body and teardown
   * (`afterEach` hooks, cleanups, fixture teardown). Only with `runner: '@suitekit/reporter/runner'`.
   */
  split?: PhaseSplit
  /** Every attempt when there were retries, oldest first. */
  attempts?: AttemptTiming[]
}

/** One test attempt's time, split by phase. */
export interface PhaseSplit {
  setupMs: number
  bodyMs: number
  teardownMs: number
}

/** One attempt of a retried test. */
export interface AttemptTiming {
  durationMs: number
  state: 'passed' | 'failed' | 'skipped'
  split?: PhaseSplit
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
  /** Set when the run was one shard (`--shard=index/count`). */
  shard?: ShardInfo
  /** Set on a file merged from shard files: each shard's run. */
  shards?: ShardRun[]
  /** Where the run came from, when CI says (GitHub Actions variables). */
  ci?: CiInfo
  files: FileTiming[]
  tests: TestTiming[]
}

/** Which shard a run was, and what its plan predicted. */
export interface ShardInfo {
  /** 1-based. */
  index: number
  count: number
  /** The time the timing-balanced plan predicted for this shard (with `TimingSequencer`). */
  predictedMs?: number
}

/** One shard's run, in a merged file. */
export interface ShardRun extends ShardInfo {
  wallMs: number
  /** Sum of its files' totals: the shard's time as the plan counts it. */
  busyMs: number
}

/** The commit and job a run belongs to. */
export interface CiInfo {
  branch?: string
  commit?: string
  job?: string
  runId?: string
}
