import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { UPLOAD_LIMITS, type RunReport, type TestResultReport } from './run-report.js'
import { duration, name } from './upload-fields.js'
import { UploadFormatError } from './upload-format-error.js'

type Element = Record<string, unknown>

/** Elements that may repeat, always read as arrays. */
const REPEATED = new Set([
  'testsuite',
  'testcase',
  'failure',
  'error',
  'skipped',
  'flakyFailure',
  'flakyError',
  'rerunFailure',
  'rerunError',
])

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (tag) => REPEATED.has(tag),
})

/**
 * Reads a JUnit XML report (vitest's, jest-junit's, pytest's, Maven Surefire's: `<testsuites>` or
 * one `<testsuite>`, nested suites too) into a {@link RunReport}. A test case's file is its `file`
 * attribute, else its suite's, else its `classname`; its status is failed with a `<failure>` or
 * `<error>`, skipped with `<skipped>`; Surefire's `flakyFailure` / `rerunFailure` elements count as
 * retries. DOCTYPE declarations are refused (no entity expansion).
 * @throws {UploadFormatError} for malformed XML or a test case that lacks a name or has a bad time
 */
export function parseJUnitXml(text: string): RunReport {
  if (/<!DOCTYPE/i.test(text)) {
    throw new UploadFormatError('body', 'DOCTYPE declarations are not accepted in JUnit XML')
  }
  const valid = XMLValidator.validate(text)
  if (valid !== true) {
    const { msg, line, col } = valid.err
    throw new UploadFormatError(
      'body',
      `not well-formed XML at line ${line}, column ${col}: ${msg}`,
    )
  }
  const document = parser.parse(text) as Element
  const roots = document.testsuites
    ? asElements(document.testsuites)
    : document.testsuite
      ? [{ testsuite: document.testsuite }]
      : []
  if (roots.length === 0) {
    throw new UploadFormatError('body', 'no <testsuites> or <testsuite> element: is it JUnit XML?')
  }
  const results: TestResultReport[] = []
  for (const root of roots) collectSuites(asElements(root.testsuite), undefined, results)
  const report: RunReport = { format: 'junit', results }
  const time = roots[0]?.['@time']
  if (roots.length === 1 && typeof time === 'string')
    report.wallMs = seconds(time, 'testsuites@time')
  return report
}

function collectSuites(
  suites: Element[],
  parentFile: string | undefined,
  out: TestResultReport[],
): void {
  for (const suite of suites) {
    const suiteFile = attribute(suite, 'file') ?? parentFile
    for (const testcase of asElements(suite.testcase)) {
      if (out.length >= UPLOAD_LIMITS.maxResults) {
        throw new UploadFormatError(
          'testcase',
          `more than ${UPLOAD_LIMITS.maxResults} test cases; at most ${UPLOAD_LIMITS.maxResults} per upload`,
        )
      }
      out.push(testResult(testcase, suite, suiteFile, `testcase[${out.length}]`))
    }
    collectSuites(asElements(suite.testsuite), suiteFile, out)
  }
}

function testResult(
  testcase: Element,
  suite: Element,
  suiteFile: string | undefined,
  field: string,
): TestResultReport {
  const testName = name(attribute(testcase, 'name'), `${field}@name`)
  const classname = attribute(testcase, 'classname')
  const file = attribute(testcase, 'file') ?? suiteFile
  // with a real file, a class name that is not the file is part of the test's name (pytest, JUnit)
  const fullName =
    file && classname && classname !== file && !testName.startsWith(classname)
      ? `${classname} > ${testName}`
      : testName
  const time = attribute(testcase, 'time')
  const status =
    testcase.failure || testcase.error ? 'failed' : testcase.skipped ? 'skipped' : 'passed'
  const retries = ['flakyFailure', 'flakyError', 'rerunFailure', 'rerunError'].reduce(
    (sum, tag) => sum + asElements(testcase[tag]).length,
    0,
  )
  return {
    file: name(file ?? classname ?? attribute(suite, 'name'), `${field}@file`),
    name: name(fullName, `${field}@name`),
    durationMs: time === undefined ? 0 : seconds(time, `${field}@time`),
    status,
    retries,
  }
}

function seconds(value: string, field: string): number {
  // thousands separators (Surefire on some locales: "1,234.5"); a decimal comma ("0,5") is refused
  const parsed = Number(
    /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(value) ? value.replaceAll(',', '') : value,
  )
  if (value.trim() === '' || !Number.isFinite(parsed)) {
    throw new UploadFormatError(field, `must be a number of seconds; got '${value}'`)
  }
  return duration(Math.round(parsed * 1_000_000) / 1000, field)
}

function attribute(element: Element, key: string): string | undefined {
  const value = element[`@${key}`]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** An element's children of one tag, as objects (an empty `<testcase/>` parses as ''). */
function asElements(value: unknown): Element[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value]
  return list.map((item) => (typeof item === 'object' && item !== null ? (item as Element) : {}))
}
