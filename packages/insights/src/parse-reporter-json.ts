import { TIMINGS_VERSION } from '@suitekit/reporter'
import { UPLOAD_LIMITS, type RunReport, type TestResultReport } from './run-report.js'
import { duration, name } from './upload-fields.js'
import { UploadFormatError } from './upload-format-error.js'

type Json = Record<string, unknown>

/**
 * Reads a `@suitekit/reporter` timings file (version 1) into a {@link RunReport}.
 * @throws {UploadFormatError} naming the first field that is missing or wrong
 */
export function parseReporterJson(text: string): RunReport {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new UploadFormatError('body', `not valid JSON (${(error as Error).message})`, {
      cause: error,
    })
  }
  const root = object(data, 'body')
  if (root.version !== TIMINGS_VERSION) {
    throw new UploadFormatError(
      'version',
      `must be ${String(TIMINGS_VERSION)} (a @suitekit/reporter timings file); got ${JSON.stringify(root.version) ?? 'nothing'}`,
    )
  }
  if (!Array.isArray(root.tests)) throw new UploadFormatError('tests', 'must be an array')
  if (root.tests.length > UPLOAD_LIMITS.maxResults) {
    throw new UploadFormatError(
      'tests',
      `has ${root.tests.length} entries; at most ${UPLOAD_LIMITS.maxResults} per upload`,
    )
  }
  const results = root.tests.map((entry, i) => testResult(entry, `tests[${i}]`))
  const report: RunReport = { format: 'suitekit', results }
  if (root.wallMs !== undefined) report.wallMs = duration(root.wallMs, 'wallMs')
  if (root.ci !== undefined) report.ci = ciOf(object(root.ci, 'ci'))
  if (root.shard !== undefined) report.shard = shardOf(object(root.shard, 'shard'))
  return report
}

function testResult(entry: unknown, field: string): TestResultReport {
  const test = object(entry, field)
  const state = test.state
  const status =
    state === 'passed' || state === 'failed'
      ? state
      : state === 'skipped' || state === 'pending'
        ? 'skipped'
        : undefined
  if (!status) {
    throw new UploadFormatError(
      `${field}.state`,
      `must be 'passed', 'failed', 'skipped' or 'pending'; got ${JSON.stringify(state) ?? 'nothing'}`,
    )
  }
  const retries = test.retries ?? 0
  if (!Number.isInteger(retries) || (retries as number) < 0) {
    throw new UploadFormatError(`${field}.retries`, 'must be a whole number, 0 or more')
  }
  return {
    file: name(test.file, `${field}.file`),
    name: name(test.name, `${field}.name`),
    durationMs: duration(test.durationMs, `${field}.durationMs`),
    status,
    retries: retries as number,
  }
}

function ciOf(ci: Json): NonNullable<RunReport['ci']> {
  const out: NonNullable<RunReport['ci']> = {}
  for (const key of ['branch', 'commit', 'job', 'runId'] as const) {
    if (ci[key] !== undefined) out[key] = name(ci[key], `ci.${key}`)
  }
  return out
}

function shardOf(shard: Json): NonNullable<RunReport['shard']> {
  const { index, count } = shard
  if (!Number.isInteger(count) || (count as number) < 1) {
    throw new UploadFormatError('shard.count', 'must be a whole number, 1 or more')
  }
  if (!Number.isInteger(index) || (index as number) < 1 || (index as number) > (count as number)) {
    throw new UploadFormatError('shard.index', `must be a whole number from 1 to ${String(count)}`)
  }
  return { index: index as number, count: count as number }
}

function object(value: unknown, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UploadFormatError(field, 'must be an object')
  }
  return value as Json
}
