import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  UPLOAD_LIMITS,
  UploadFormatError,
  parseJUnitXml,
  parseReporterJson,
  parseUpload,
  type RunReport,
} from '../src/index.js'

const run = promisify(execFile)
const fixture = fileURLToPath(new URL('./fixtures/run', import.meta.url))
const vitestBin = join(
  createRequire(import.meta.url).resolve('vitest/package.json'),
  '..',
  'vitest.mjs',
)

let dir: string
let junitXml: string
let timingsJson: string

beforeAll(async () => {
  // a real vitest run writes both reports; one of its tests fails on purpose
  dir = await mkdtemp(join(tmpdir(), 'insights-upload-'))
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('VITEST') && k !== 'GITHUB_STEP_SUMMARY',
    ),
  )
  await run(process.execPath, [vitestBin, 'run'], {
    cwd: fixture,
    env: { ...env, JUNIT_FILE: join(dir, 'junit.xml'), TIMINGS_FILE: join(dir, 'timings.json') },
  }).catch((error: unknown) => {
    if ((error as { code?: number }).code !== 1) throw error
  })
  junitXml = await readFile(join(dir, 'junit.xml'), 'utf8')
  timingsJson = await readFile(join(dir, 'timings.json'), 'utf8')
}, 60_000)

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The results by name, without durations (which vary). */
function outcomes(report: RunReport) {
  return report.results
    .map(({ file, name, status, retries }) => ({ file, name, status, retries }))
    .sort((a, b) => a.name.localeCompare(b.name))
}

function formatError(fn: () => unknown): UploadFormatError {
  try {
    fn()
  } catch (error) {
    if (error instanceof UploadFormatError) return error
    throw error
  }
  throw new Error('expected an UploadFormatError')
}

describe('reports of a real vitest run', () => {
  const expected = [
    { file: 'outcomes.test.ts', name: 'outcomes > fails', status: 'failed', retries: 0 },
    {
      file: 'outcomes.test.ts',
      name: 'outcomes > fails once, then passes',
      status: 'passed',
      retries: 1,
    },
    { file: 'outcomes.test.ts', name: 'outcomes > is skipped', status: 'skipped', retries: 0 },
    {
      file: 'outcomes.test.ts',
      name: 'outcomes > passes after 60 ms',
      status: 'passed',
      retries: 0,
    },
  ]

  it('reads the suitekit reporter JSON', () => {
    const report = parseUpload(timingsJson, 'application/json; charset=utf-8')
    expect(report.format).toBe('suitekit')
    expect(outcomes(report)).toEqual(expected)
    const slow = report.results.find((r) => r.name === 'outcomes > passes after 60 ms')!
    expect(slow.durationMs).toBeGreaterThanOrEqual(55)
    expect(report.wallMs).toBeGreaterThan(0)
  })

  it("reads vitest's JUnit XML, durations in ms", () => {
    const report = parseUpload(junitXml, 'text/xml')
    expect(report.format).toBe('junit')
    // vitest's JUnit report has no retry count: the flaky test reads as passed
    expect(outcomes(report)).toEqual(expected.map((r) => ({ ...r, retries: 0 })))
    const slow = report.results.find((r) => r.name === 'outcomes > passes after 60 ms')!
    expect(slow.durationMs).toBeGreaterThanOrEqual(55)
    expect(slow.durationMs).toBeLessThan(10_000) // seconds became ms, not ms x 1000
  })
})

describe('JUnit XML from other runners', () => {
  it('reads pytest: class name joins the test name, the file attribute is the file', () => {
    const report = parseJUnitXml(`<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="2" time="1.5">
  <testcase classname="tests.test_api.TestLogin" name="test_ok" file="tests/test_api.py" time="1.25"/>
  <testcase classname="tests.test_api.TestLogin" name="test_bad &amp; ugly" file="tests/test_api.py" time="0.004"><skipped message="later"/></testcase>
</testsuite></testsuites>`)
    expect(report.results).toEqual([
      {
        file: 'tests/test_api.py',
        name: 'tests.test_api.TestLogin > test_ok',
        durationMs: 1250,
        status: 'passed',
        retries: 0,
      },
      {
        file: 'tests/test_api.py',
        name: 'tests.test_api.TestLogin > test_bad & ugly',
        durationMs: 4,
        status: 'skipped',
        retries: 0,
      },
    ])
  })

  it('reads thousands separators in times, and refuses a decimal comma', () => {
    const xml = (time: string) =>
      `<testsuite name="s"><testcase name="t" time="${time}"/></testsuite>`
    expect(parseJUnitXml(xml('1,234.5')).results[0]!.durationMs).toBe(1_234_500)
    expect(formatError(() => parseJUnitXml(xml('0,5'))).field).toBe('testcase[0]@time')
  })

  it('reads Surefire reruns as retries, nested suites and a bare <testsuite> root', () => {
    const report = parseJUnitXml(`<testsuite name="com.example.AppTest" time="3">
  <testcase name="flaky" classname="com.example.AppTest" time="0.5"><flakyFailure message="x"/><flakyError/></testcase>
  <testcase name="broken" classname="com.example.AppTest" time="0.1"><rerunFailure/><failure message="no"/></testcase>
  <testsuite name="inner" file="inner.spec.js"><testcase name="errs" time="0.2"><error/></testcase></testsuite>
</testsuite>`)
    expect(
      report.results.map(({ file, name, status, retries }) => [file, name, status, retries]),
    ).toEqual([
      ['com.example.AppTest', 'flaky', 'passed', 2],
      ['com.example.AppTest', 'broken', 'failed', 1],
      ['inner.spec.js', 'errs', 'failed', 0],
    ])
  })
})

describe('uploads that are refused, with the field and the reason', () => {
  it.each([
    [
      'malformed XML',
      () => parseJUnitXml('<testsuites><testsuite>'),
      'body',
      /not well-formed XML at line 1/,
    ],
    [
      'a DOCTYPE (entity expansion)',
      () => parseJUnitXml('<!DOCTYPE x [<!ENTITY a "aaaa">]><testsuites/>'),
      'body',
      /DOCTYPE/,
    ],
    [
      'XML that is not JUnit',
      () => parseJUnitXml('<html><body/></html>'),
      'body',
      /no <testsuites> or <testsuite>/,
    ],
    [
      'a test case without a name',
      () => parseJUnitXml('<testsuite name="s"><testcase time="1"/></testsuite>'),
      'testcase[0]@name',
      /non-empty string/,
    ],
    [
      'a time that is not a number',
      () => parseJUnitXml('<testsuite name="s"><testcase name="t" time="fast"/></testsuite>'),
      'testcase[0]@time',
      /number of seconds; got 'fast'/,
    ],
    ['invalid JSON', () => parseReporterJson('{"version": 1,'), 'body', /not valid JSON/],
    [
      'another version',
      () => parseReporterJson('{"version": 2, "tests": []}'),
      'version',
      /must be 1/,
    ],
    [
      'tests that are not an array',
      () => parseReporterJson('{"version": 1, "tests": {}}'),
      'tests',
      /must be an array/,
    ],
    [
      'a negative duration',
      () =>
        parseReporterJson(
          '{"version": 1, "tests": [{"file": "a", "name": "b", "durationMs": -1, "state": "passed"}]}',
        ),
      'tests[0].durationMs',
      /0 or more/,
    ],
    [
      'an unknown state',
      () =>
        parseReporterJson(
          '{"version": 1, "tests": [{"file": "a", "name": "b", "durationMs": 1, "state": "ok"}]}',
        ),
      'tests[0].state',
      /got "ok"/,
    ],
    [
      'a shard index out of range',
      () => parseReporterJson('{"version": 1, "tests": [], "shard": {"index": 3, "count": 2}}'),
      'shard.index',
      /from 1 to 2/,
    ],
    [
      'an unknown content type',
      () => parseUpload('a,b', 'text/csv'),
      'content-type',
      /send application\/json, application\/xml, text\/xml/,
    ],
  ])('%s', (_, parse, field, reason) => {
    const error = formatError(parse)
    expect(error.field).toBe(field)
    expect(error.reason).toMatch(reason)
    expect(error.message).toBe(`${field}: ${error.reason}`)
  })

  it('refuses more results than the limit, naming it', () => {
    const test = { file: 'a', name: 'b', durationMs: 1, state: 'passed' }
    const body = JSON.stringify({
      version: 1,
      tests: Array.from({ length: UPLOAD_LIMITS.maxResults + 1 }, () => test),
    })
    const error = formatError(() => parseReporterJson(body))
    expect(error.field).toBe('tests')
    expect(error.reason).toContain(`at most ${UPLOAD_LIMITS.maxResults}`)
  })

  it('refuses a name over the length limit', () => {
    const long = 'x'.repeat(UPLOAD_LIMITS.maxNameLength + 1)
    const error = formatError(() =>
      parseJUnitXml(`<testsuite name="s"><testcase name="${long}"/></testsuite>`),
    )
    expect(error.field).toBe('testcase[0]@name')
  })
})
