import { parseJUnitXml } from './parse-junit-xml.js'
import { parseReporterJson } from './parse-reporter-json.js'
import type { RunReport } from './run-report.js'
import { UploadFormatError } from './upload-format-error.js'

/** The content types an upload may have, and the format each means. */
export const UPLOAD_CONTENT_TYPES = {
  'application/json': 'suitekit',
  'application/xml': 'junit',
  'text/xml': 'junit',
} as const

/**
 * Reads an uploaded run by its content type: `application/json` is a `@suitekit/reporter`
 * timings file, `application/xml` or `text/xml` a JUnit XML report.
 * @throws {UploadFormatError} for another content type or a body that does not parse
 */
export function parseUpload(body: string, contentType: string): RunReport {
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase()
  if (mediaType === 'application/json') return parseReporterJson(body)
  if (mediaType === 'application/xml' || mediaType === 'text/xml') return parseJUnitXml(body)
  throw new UploadFormatError(
    'content-type',
    `'${contentType}' is not an upload format; send ${Object.keys(UPLOAD_CONTENT_TYPES).join(', ')}`,
  )
}
