/** What one uploaded run says, whatever format it came in: the input of the Insights domain. */
export interface RunReport {
  /** The format the upload was in. */
  format: 'suitekit' | 'junit'
  /** Where the run came from, when the upload says. */
  ci?: { branch?: string; commit?: string; job?: string; runId?: string }
  /** Which shard the run was (1-based index). */
  shard?: { index: number; count: number }
  /** Wall time of the run, when known. */
  wallMs?: number
  results: TestResultReport[]
}

/** One test's outcome in an uploaded run. */
export interface TestResultReport {
  /** Test file (vitest, reporter JSON, JUnit `file`), else the JUnit class name. */
  file: string
  /** Suites and test name, joined with ' > '. */
  name: string
  durationMs: number
  status: 'passed' | 'failed' | 'skipped'
  /** Attempts before the last one: a passed test with retries is flaky. */
  retries: number
}

/** Bounds on one upload, so that a hostile or broken file cannot exhaust the service. */
export const UPLOAD_LIMITS = {
  /** Test results in one run. */
  maxResults: 100_000,
  /** Characters in a file path or a test name. */
  maxNameLength: 2_000,
  /** One test's duration: a day. */
  maxDurationMs: 86_400_000,
} as const
